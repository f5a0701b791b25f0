import { useI18n, type Language } from './i18n.ts';

/** Words of reading aloud (朗读) and an article's recorded audio (录音). */
const zh = {
  section: '朗读',
  readAloud: '朗读',
  pause: '暂停',
  resume: '继续朗读',
  stop: '停止',
  speed: '语速',
  speedSlow: '慢',
  speedNormal: '正常',
  speedFast: '快',
  checking: '正在准备朗读…',
  cannotSpeak: '这部手机不能朗读中文。',
  listenInstead: '可以听下面的录音。',
  speechFailed: '朗读中断了，这部手机没能读下去。',
  speechInterrupted: '朗读被打断了（也许来了电话），点“继续朗读”接着听。',
  tryAgain: '再试一次',
  recording: '听录音',
  play: '播放录音',
  pauseAudio: '暂停录音',
  audioFailed: '录音放不出来，请检查网络后再试。',
  keep: '保存到手机',
  keeping: '正在保存…',
  kept: '已保存到手机，没有信号也能听',
  keepFull: '手机空间不够，没能保存',
  keepFailed: '没能保存，请有信号时再试',
};
export type ReadAloudMessageKey = keyof typeof zh;

const en: Record<ReadAloudMessageKey, string> = {
  section: 'Read aloud',
  readAloud: 'Read aloud',
  pause: 'Pause',
  resume: 'Continue',
  stop: 'Stop',
  speed: 'Speed',
  speedSlow: 'Slow',
  speedNormal: 'Normal',
  speedFast: 'Fast',
  checking: 'Getting ready to read aloud…',
  cannotSpeak: 'This phone cannot read Chinese aloud.',
  listenInstead: 'You can listen to the recording below.',
  speechFailed: 'Reading aloud stopped: this phone could not go on.',
  speechInterrupted: 'Reading aloud was interrupted (a call, perhaps). Tap Continue to go on.',
  tryAgain: 'Try again',
  recording: 'Listen to the recording',
  play: 'Play recording',
  pauseAudio: 'Pause recording',
  audioFailed: 'The recording does not play; check the signal and try again.',
  keep: 'Save to phone',
  keeping: 'Saving…',
  kept: 'Saved on this phone: you can listen without signal',
  keepFull: 'Not saved: the phone is full',
  keepFailed: 'Not saved; try again when there is signal',
};

const texts: Record<Language, Record<ReadAloudMessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

/** The read-aloud words in the app's language. */
export function useReadAloudTexts(): Record<ReadAloudMessageKey, string> {
  return texts[useI18n().language];
}
