import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useI18n } from '../i18n.ts';

// ---------- reading aloud (朗读) ----------

type Speech = 'idle' | 'speaking' | 'paused';

function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function';
}

function norm(lang: string): string {
  return lang.replace('_', '-').toLowerCase();
}

function chineseVoice(): SpeechSynthesisVoice | null {
  const voices = window.speechSynthesis.getVoices();
  return (
    voices.find((v) => norm(v.lang) === 'zh-cn') ??
    voices.find((v) => norm(v.lang).startsWith('zh') && !/hk|tw|yue/.test(norm(v.lang))) ??
    voices.find((v) => norm(v.lang).startsWith('zh')) ??
    null
  );
}

/** Blocks of text in reading order; an element containing another block is read through its children. */
function paragraphsOf(container: HTMLElement | null): HTMLElement[] {
  if (!container) return [];
  const selector = 'h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,figcaption,td,th';
  return [...container.querySelectorAll<HTMLElement>(selector)].filter(
    (el) => !el.querySelector(selector) && (el.textContent ?? '').trim() !== '',
  );
}

/**
 * 朗读 for members who see poorly: the phone's speech synthesis in Chinese, one paragraph at a
 * time (long utterances are cut off on some Android phones), the paragraph being read highlighted.
 * Pause stops the speech and remembers the paragraph: pause()/resume() are unreliable on Android.
 */
export function ReadAloud({ title, bodyRef }: { title: string; bodyRef: RefObject<HTMLDivElement | null> }) {
  const { t } = useI18n();
  const [speech, setSpeech] = useState<Speech>('idle');
  const index = useRef(0);
  const run = useRef(0);
  const current = useRef<HTMLElement | null>(null);
  const supported = useMemo(canSpeak, []);

  const highlight = (el: HTMLElement | null) => {
    current.current?.classList.remove('reading-now');
    current.current = el;
    if (el) {
      el.classList.add('reading-now');
      el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  };

  const speakFrom = (start: number) => {
    const synth = window.speechSynthesis;
    const blocks = paragraphsOf(bodyRef.current);
    // The title first, as paragraph -1 of the article.
    const texts: { text: string; el: HTMLElement | null }[] = [
      { text: title, el: null },
      ...blocks.map((el) => ({ text: (el.textContent ?? '').trim(), el })),
    ];
    const token = ++run.current;
    synth.cancel();
    const voice = chineseVoice();
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
      utterance.rate = 0.9;
      utterance.onend = () => say(i + 1);
      utterance.onerror = (event) => {
        if (event.error === 'interrupted' || event.error === 'canceled') return;
        if (token === run.current) say(i + 1);
      };
      synth.speak(utterance);
    };
    setSpeech('speaking');
    say(start);
  };

  const pause = () => {
    run.current += 1;
    window.speechSynthesis.cancel();
    setSpeech('paused');
  };

  const stop = () => {
    run.current += 1;
    window.speechSynthesis.cancel();
    index.current = 0;
    highlight(null);
    setSpeech('idle');
  };

  useEffect(
    () => () => {
      run.current += 1;
      if (canSpeak()) window.speechSynthesis.cancel();
    },
    [],
  );

  if (!supported) return null;
  return (
    <div className="button-row read-aloud">
      {speech === 'speaking' ? (
        <button type="button" className="button button-primary" onClick={pause} data-testid="read-aloud-pause">
          {t.pauseReading}
        </button>
      ) : (
        <button
          type="button"
          className="button button-primary"
          data-testid="read-aloud"
          onClick={() => speakFrom(speech === 'paused' ? index.current : 0)}
        >
          {speech === 'paused' ? t.resumeReading : t.readAloud}
        </button>
      )}
      {speech === 'idle' ? null : (
        <button type="button" className="button button-plain" onClick={stop}>
          {t.stopReading}
        </button>
      )}
    </div>
  );
}
