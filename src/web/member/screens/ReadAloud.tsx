import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useElderMode } from '../elder.ts';
import { useReadAloudTexts } from '../i18n-read-aloud.ts';
import { isMediaKept, keepMedia } from '../offline-store.ts';
import './read-aloud.css';

/**
 * 朗读 that always answers. Where the phone has a Chinese voice, its speech synthesis reads the
 * article one paragraph at a time (long utterances are cut off on some Android phones), the
 * paragraph being read highlighted, with pause, resume and speed. Where it has none (WeChat's
 * Android browser often has none), one plain sentence says so, and the article's recorded audio
 * is offered when there is one; when speech stops with an error, never starts, or is interrupted
 * from outside (a phone call), the member is told too. In 长辈模式 the recorded audio comes first.
 * Reading aloud and the recording never play at once: starting one stops the other.
 */

// ---------- the phone's speech ----------

/** Voices arrive late on Android (after `voiceschanged`): how long to wait for a Chinese one. */
const VOICE_WAIT_MS = 2000;
/**
 * A phone that accepts an utterance but never starts it (no engine behind it) is given this long;
 * Chrome on Android then even reports `speaking` while staying silent, so only the start counts.
 */
const START_WAIT_MS = 6000;
/** An utterance that ends this soon without having started was not spoken (some phones end it at once). */
const SILENT_END_MS = 200;
const RATE_KEY = 'lx_member_read_rate';
const RATES = [0.8, 1, 1.25] as const;
type Rate = (typeof RATES)[number];

function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function';
}

function norm(lang: string): string {
  return lang.replace('_', '-').toLowerCase();
}

function chineseVoice(): SpeechSynthesisVoice | null {
  if (!canSpeak()) return null;
  let voices: SpeechSynthesisVoice[];
  try {
    voices = window.speechSynthesis.getVoices() ?? [];
  } catch {
    return null;
  }
  return (
    voices.find((v) => norm(v.lang) === 'zh-cn') ??
    voices.find((v) => norm(v.lang).startsWith('zh') && !/hk|tw|yue/.test(norm(v.lang))) ??
    voices.find((v) => norm(v.lang).startsWith('zh')) ??
    null
  );
}

type VoiceState = 'checking' | 'ready' | 'none';

/** Whether the phone can read Chinese aloud: at once, after its voices arrive, or 'none' after waiting. */
function useChineseVoice(): VoiceState {
  const [state, setState] = useState<VoiceState>(() => (!canSpeak() ? 'none' : chineseVoice() ? 'ready' : 'checking'));
  useEffect(() => {
    if (!canSpeak()) return;
    const synth = window.speechSynthesis;
    const onChange = () => {
      if (chineseVoice()) setState('ready');
    };
    const listens = typeof synth.addEventListener === 'function';
    if (listens) synth.addEventListener('voiceschanged', onChange);
    else synth.onvoiceschanged = onChange;
    const timer = window.setTimeout(() => setState((s) => (s === 'checking' ? (chineseVoice() ? 'ready' : 'none') : s)), VOICE_WAIT_MS);
    return () => {
      window.clearTimeout(timer);
      if (listens) synth.removeEventListener('voiceschanged', onChange);
      else synth.onvoiceschanged = null;
    };
  }, []);
  return state;
}

function savedRate(): Rate {
  try {
    const value = Number(localStorage.getItem(RATE_KEY));
    return (RATES as readonly number[]).includes(value) ? (value as Rate) : 1;
  } catch {
    return 1;
  }
}

function saveRate(rate: Rate): void {
  try {
    localStorage.setItem(RATE_KEY, String(rate));
  } catch {
    // Private mode: the speed lasts for this visit.
  }
}

/** Blocks of text in reading order; an element containing another block is read through its children. */
function paragraphsOf(container: HTMLElement | null): HTMLElement[] {
  if (!container) return [];
  const selector = 'h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,figcaption,td,th';
  return [...container.querySelectorAll<HTMLElement>(selector)].filter((el) => !el.querySelector(selector) && (el.textContent ?? '').trim() !== '');
}

type Speech = 'idle' | 'speaking' | 'paused' | 'interrupted' | 'failed';

interface ReadAloudProps {
  title: string;
  /** The article's body as shown: its paragraphs are read and highlighted. */
  bodyRef: RefObject<HTMLDivElement | null>;
  /** The article's recorded audio, if it has one. */
  audioUrl?: string | null | undefined;
}

export function ReadAloud({ title, bodyRef, audioUrl = null }: ReadAloudProps) {
  const t = useReadAloudTexts();
  const voice = useChineseVoice();
  const { on: elder } = useElderMode();
  // Starting one of the two stops the other.
  const player = useRef<HTMLAudioElement>(null);
  const pauseSpeech = useRef<() => void>(() => {});
  const recorded = audioUrl ? <RecordedAudio url={audioUrl} player={player} onPlay={() => pauseSpeech.current()} /> : null;
  return (
    <section className="read-aloud" aria-label={t.section} data-testid="read-aloud-section" data-voice={voice}>
      {elder ? recorded : null}
      {voice === 'ready' ? <Speaker title={title} bodyRef={bodyRef} hasAudio={audioUrl !== null} onSpeak={() => player.current?.pause()} pauseRef={pauseSpeech} /> : null}
      {voice === 'checking' ? <p className="muted read-aloud-checking">{t.checking}</p> : null}
      {voice === 'none' ? (
        <p className="message message-info" role="status" data-testid="read-aloud-cannot">
          {t.cannotSpeak}
          {audioUrl ? ` ${t.listenInstead}` : ''}
        </p>
      ) : null}
      {elder ? null : recorded}
    </section>
  );
}

/** Play, pause (paragraph-wise: pause()/resume() are unreliable on Android), resume, stop, speed. */
interface SpeakerProps {
  title: string;
  bodyRef: RefObject<HTMLDivElement | null>;
  hasAudio: boolean;
  /** Called when reading aloud starts (the recording is stopped). */
  onSpeak: () => void;
  /** Set here: pauses reading aloud (when the recording starts). */
  pauseRef: RefObject<() => void>;
}

function Speaker({ title, bodyRef, hasAudio, onSpeak, pauseRef }: SpeakerProps) {
  const t = useReadAloudTexts();
  const [speech, setSpeech] = useState<Speech>('idle');
  const speechNow = useRef<Speech>(speech);
  speechNow.current = speech;
  const [rate, setRate] = useState<Rate>(savedRate);
  const index = useRef(0);
  const run = useRef(0);
  const current = useRef<HTMLElement | null>(null);
  const startTimer = useRef<number | undefined>(undefined);

  const highlight = useCallback((el: HTMLElement | null) => {
    current.current?.classList.remove('reading-now');
    current.current = el;
    if (el) {
      el.classList.add('reading-now');
      el.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
    }
  }, []);

  const halt = useCallback(() => {
    run.current += 1;
    window.clearTimeout(startTimer.current);
    window.speechSynthesis.cancel();
  }, []);

  const speakFrom = useCallback(
    (start: number, speed: Rate) => {
      const synth = window.speechSynthesis;
      // The title first, then the paragraphs of the body.
      const texts: { text: string; el: HTMLElement | null }[] = [
        { text: title, el: null },
        ...paragraphsOf(bodyRef.current).map((el) => ({ text: (el.textContent ?? '').trim(), el })),
      ];
      halt();
      const token = run.current;
      const voice = chineseVoice();
      const fail = () => {
        if (token !== run.current) return;
        halt();
        setSpeech('failed');
      };
      const say = (i: number) => {
        if (token !== run.current) return;
        const block = texts[i];
        if (!block) {
          index.current = 0;
          highlight(null);
          setSpeech('idle');
          return;
        }
        index.current = i;
        highlight(block.el);
        const utterance = new SpeechSynthesisUtterance(block.text);
        utterance.lang = 'zh-CN';
        if (voice) utterance.voice = voice;
        utterance.rate = speed;
        let started = false;
        const spokeAt = performance.now();
        utterance.onstart = () => {
          started = true;
          window.clearTimeout(startTimer.current);
        };
        utterance.onend = () => {
          if (token !== run.current) return;
          window.clearTimeout(startTimer.current);
          // Ended at once without starting: nothing was spoken (the phone has no engine behind its voices).
          // Some old browsers never say "start": an utterance that took its time was spoken.
          if (!started && performance.now() - spokeAt < SILENT_END_MS) return fail();
          say(i + 1);
        };
        utterance.onerror = (event) => {
          // The app's own cancels (pause, stop, speed) changed the run first and are ignored.
          if (token !== run.current) return;
          if (event.error === 'interrupted' || event.error === 'canceled') {
            // Stopped from outside (a phone call): not speaking any more; 继续朗读 reads this paragraph again.
            halt();
            setSpeech('interrupted');
            return;
          }
          fail();
        };
        window.clearTimeout(startTimer.current);
        // Not started in time: silent, whatever `synth.speaking` says.
        startTimer.current = window.setTimeout(() => {
          if (!started) fail();
        }, START_WAIT_MS);
        try {
          synth.speak(utterance);
        } catch {
          fail();
        }
      };
      onSpeak();
      setSpeech('speaking');
      say(start);
    },
    [title, bodyRef, halt, highlight, onSpeak],
  );

  const pause = () => {
    halt();
    setSpeech('paused');
  };

  useEffect(() => {
    pauseRef.current = () => {
      if (speechNow.current !== 'speaking') return;
      halt();
      setSpeech('paused');
    };
  }, [pauseRef, halt]);

  const stop = () => {
    halt();
    index.current = 0;
    highlight(null);
    setSpeech('idle');
  };

  const changeRate = (next: Rate) => {
    setRate(next);
    saveRate(next);
    // Heard at once: the paragraph being read starts again at the new speed.
    if (speech === 'speaking') speakFrom(index.current, next);
  };

  useEffect(
    () => () => {
      run.current += 1;
      window.clearTimeout(startTimer.current);
      current.current?.classList.remove('reading-now');
      if (canSpeak()) window.speechSynthesis.cancel();
    },
    [],
  );

  const speeds: [Rate, string][] = [
    [0.8, t.speedSlow],
    [1, t.speedNormal],
    [1.25, t.speedFast],
  ];
  return (
    <div className="read-aloud-speech" data-testid="read-aloud-speech" data-state={speech}>
      <div className="button-row">
        {speech === 'speaking' ? (
          <button type="button" className="button button-primary" onClick={pause} data-testid="read-aloud-pause">
            {t.pause}
          </button>
        ) : speech === 'paused' || speech === 'interrupted' ? (
          <button type="button" className="button button-primary" onClick={() => speakFrom(index.current, rate)} data-testid="read-aloud-resume">
            {t.resume}
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={() => speakFrom(speech === 'failed' ? index.current : 0, rate)} data-testid="read-aloud">
            {speech === 'failed' ? t.tryAgain : t.readAloud}
          </button>
        )}
        {speech === 'idle' ? null : (
          <button type="button" className="button button-plain" onClick={stop} data-testid="read-aloud-stop">
            {t.stop}
          </button>
        )}
      </div>
      <div className="read-aloud-speeds" role="group" aria-label={t.speed}>
        <span className="read-aloud-speed-label" aria-hidden="true">
          {t.speed}
        </span>
        {speeds.map(([value, label]) => (
          <button
            key={value}
            type="button"
            className={value === rate ? 'button button-primary read-aloud-speed' : 'button button-plain read-aloud-speed'}
            aria-pressed={value === rate}
            onClick={() => changeRate(value)}
          >
            {`${label} ${value}×`}
          </button>
        ))}
      </div>
      {speech === 'interrupted' ? (
        <p className="message message-info" role="status" data-testid="read-aloud-interrupted">
          {t.speechInterrupted}
        </p>
      ) : null}
      {speech === 'failed' ? (
        <p className="message message-warning" role="alert" data-testid="read-aloud-failed">
          {t.speechFailed}
          {hasAudio ? ` ${t.listenInstead}` : ''}
        </p>
      ) : null}
    </div>
  );
}

// ---------- the recorded audio ----------

type Keeping = 'idle' | 'keeping' | 'kept' | 'full' | 'failed';

/** The article's recorded audio: a player with big buttons, and 保存到手机 for listening without signal. */
function RecordedAudio({ url, player: audio, onPlay }: { url: string; player: RefObject<HTMLAudioElement | null>; onPlay: () => void }) {
  const t = useReadAloudTexts();
  const [playing, setPlaying] = useState(false);
  const [failed, setFailed] = useState(false);
  const [keeping, setKeeping] = useState<Keeping>('idle');

  useEffect(() => {
    let live = true;
    isMediaKept(url).then(
      (kept) => {
        if (live && kept) setKeeping('kept');
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [url]);

  const toggle = () => {
    const player = audio.current;
    if (!player) return;
    if (!player.paused) {
      player.pause();
      return;
    }
    setFailed(false);
    // AbortError: paused again before it started, not a failure.
    player.play().catch((e: unknown) => {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setFailed(true);
    });
  };

  const keep = () => {
    setKeeping('keeping');
    keepMedia(url).then(
      (outcome) => setKeeping(outcome),
      () => setKeeping('failed'),
    );
  };

  const keptText = keeping === 'kept' ? t.kept : keeping === 'full' ? t.keepFull : keeping === 'failed' ? t.keepFailed : null;
  return (
    <div className="read-aloud-audio" data-testid="recorded-audio">
      <p className="read-aloud-label">{t.recording}</p>
      <audio
        ref={audio}
        controls
        preload="none"
        src={url}
        onPlay={() => {
          setPlaying(true);
          onPlay();
        }}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onError={() => setFailed(true)}
        data-testid="recorded-audio-player"
      >
        <a href={url}>{t.recording}</a>
      </audio>
      <div className="button-row">
        <button type="button" className="button button-primary button-huge" onClick={toggle} data-testid="recorded-audio-play">
          {playing ? t.pauseAudio : t.play}
        </button>
        <button type="button" className="button button-plain" onClick={keep} disabled={keeping === 'keeping' || keeping === 'kept'} data-testid="recorded-audio-keep">
          {keeping === 'keeping' ? t.keeping : t.keep}
        </button>
      </div>
      {failed ? (
        <p className="message message-error" role="alert">
          {t.audioFailed}
        </p>
      ) : null}
      {keptText ? (
        <p className={keeping === 'kept' ? 'message message-success' : 'message message-warning'} role="status" data-testid="recorded-audio-kept">
          {keptText}
        </p>
      ) : null}
    </div>
  );
}
