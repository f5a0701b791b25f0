/**
 * Speech engines for browser tests, installed with `context.addInitScript(fn, arg)`: each function
 * runs inside the page and must stay self-contained.
 */

/** A phone without any speech voice: getVoices() answers nothing. */
export function noVoices(): void {
  Object.defineProperty(window.speechSynthesis, 'getVoices', { value: () => [], configurable: true });
}

/**
 * A phone with a Chinese voice and a speech engine that records what it is asked to say and speaks
 * only when the test says so: `lxSpeech.finish()` ends the current utterance, `lxSpeech.fail()`
 * fails it, `lxSpeech.interrupt()` interrupts it from outside (a phone call). cancel() interrupts
 * it, as a real engine does. Two broken engines: 'ends-at-once' ends every utterance at once without
 * starting it; 'never-starts' never starts one yet reports `speaking` (Chrome on Android).
 */
export function fakeChineseVoice(engineKind: 'speaks' | 'ends-at-once' | 'never-starts' = 'speaks'): void {
  type Fake = { text: string; lang: string; rate: number; voice: unknown; onstart: ((e: unknown) => void) | null; onend: ((e: unknown) => void) | null; onerror: ((e: unknown) => void) | null };
  const voice = { name: '中文（测试）', lang: 'zh-CN', voiceURI: 'test-zh', default: true, localService: true };
  const state = { spoken: [] as { text: string; rate: number; lang: string }[], cancels: 0, current: null as Fake | null };
  const started = new WeakSet<Fake>();
  /** An utterance starts once, before it ends or fails, as with a real engine. */
  const start = (u: Fake) => {
    if (started.has(u) || state.current !== u) return;
    started.add(u);
    u.onstart?.({});
  };
  class Utterance {
    text: string;
    lang = '';
    rate = 1;
    voice: unknown = null;
    onstart: ((e: unknown) => void) | null = null;
    onend: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    constructor(text: string) {
      this.text = text;
    }
  }
  const engine = {
    getVoices: () => [voice],
    speak(u: Fake) {
      state.spoken.push({ text: u.text, rate: u.rate, lang: u.lang });
      if (engineKind === 'ends-at-once') {
        u.onend?.({});
        return;
      }
      if (engineKind === 'never-starts') {
        engine.speaking = true;
        return;
      }
      state.current = u;
      setTimeout(() => start(u), 0);
    },
    cancel() {
      state.cancels += 1;
      const u = state.current;
      state.current = null;
      u?.onerror?.({ error: 'interrupted' });
    },
    pause() {},
    resume() {},
    speaking: false,
    pending: false,
    paused: false,
    addEventListener() {},
    removeEventListener() {},
    onvoiceschanged: null,
  };
  Object.defineProperty(window, 'speechSynthesis', { value: engine, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true, writable: true });
  Object.defineProperty(window, 'lxSpeech', {
    value: {
      state,
      finish() {
        const u = state.current;
        if (!u) return;
        start(u);
        state.current = null;
        u.onend?.({});
      },
      fail() {
        const u = state.current;
        if (!u) return;
        start(u);
        state.current = null;
        u.onerror?.({ error: 'synthesis-failed' });
      },
      interrupt() {
        const u = state.current;
        if (!u) return;
        start(u);
        state.current = null;
        u.onerror?.({ error: 'interrupted' });
      },
    },
  });
}
