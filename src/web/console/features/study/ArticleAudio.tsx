import { AudioOutlined, DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Progress, Space, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { endpoints } from '../../api.ts';
import { formatBytes, uploadStoredFile } from '../../components/learning.tsx';
import { errorText, useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { StoredFile } from '../../types.ts';

/**
 * An article's recorded audio (录音), for members whose phone cannot read Chinese aloud: recorded
 * here in the browser (MediaRecorder, turned into a WAV the server and every phone accept) or
 * uploaded as an audio file, played back, removed. A form field holding the audio file's id.
 * Recordings are 8 kHz mono 16-bit WAV, about 0.9 MB a minute (members listen on slow phone
 * networks); the size is shown while recording. Closing the form mid-recording stops the recording
 * (it is not kept) and says so; `onRecordingChange` lets the form refuse to save meanwhile.
 */

const ACCEPT_AUDIO = 'audio/mpeg,audio/mp4,audio/aac,audio/ogg,audio/wav,.mp3,.m4a,.aac,.wav,.ogg';
/** A longer recording is stopped (a WAV of 8 kHz speech is about 0.9 MB a minute; uploads stop at 50 MB). */
const MAX_RECORD_SECONDS = 20 * 60;
/** Telephone quality, enough for speech and small enough for a 3G phone: 8 kHz, one channel, 16 bits. */
const WAV_RATE = 8000;
/** Bytes of WAV per second of recording. */
const WAV_BYTES_PER_SECOND = WAV_RATE * 2;

type Recording = { state: 'idle' } | { state: 'asking' } | { state: 'recording'; seconds: number } | { state: 'converting' };

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** PCM samples (-1…1) as a 16-bit mono WAV. */
function wavOf(samples: Float32Array, rate: number): Blob {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
  return new Blob([buffer], { type: 'audio/wav' });
}

/** What the browser recorded (WebM, Ogg or MP4), decoded and resampled to a WAV. */
async function toWav(recorded: Blob): Promise<Blob> {
  const decoder = new AudioContext();
  try {
    const decoded = await decoder.decodeAudioData(await recorded.arrayBuffer());
    const length = Math.max(1, Math.ceil(decoded.duration * WAV_RATE));
    const offline = new OfflineAudioContext(1, length, WAV_RATE);
    const source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start();
    const rendered = await offline.startRendering();
    return wavOf(rendered.getChannelData(0), WAV_RATE);
  } finally {
    void decoder.close();
  }
}

function canRecord(): boolean {
  return typeof MediaRecorder === 'function' && !!navigator.mediaDevices?.getUserMedia && typeof OfflineAudioContext === 'function';
}

interface ArticleAudioFieldProps {
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
  initialFile: StoredFile | null;
  /** Told when a recording starts (true) and when it is done or abandoned (false). */
  onRecordingChange?: (recording: boolean) => void;
  /** The speech job's state for the article (see StudyItem.speech). */
  speechState?: 'making' | 'failed' | 'partial' | null | undefined;
}

export function ArticleAudioField({ id, value, onChange, initialFile, onRecordingChange, speechState }: ArticleAudioFieldProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<StoredFile | null>(initialFile);
  const [recording, setRecording] = useState<Recording>({ state: 'idle' });
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const speech = useApi(endpoints.studyItems.speech.at());
  const shown = file && file.id === value ? file : null;
  const live = useRef({ message, t, onRecordingChange });
  live.current = { message, t, onRecordingChange };
  const recordingNow = recording.state !== 'idle';
  useEffect(() => {
    live.current.onRecordingChange?.(recordingNow);
  }, [recordingNow]);

  const release = () => {
    window.clearInterval(timer.current);
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
  };
  useEffect(
    () => () => {
      if (recorder.current && recorder.current.state !== 'inactive') {
        // Closed mid-recording: the microphone is let go and the recording dropped, which is said.
        recorder.current.ondataavailable = null;
        recorder.current.onstop = null;
        recorder.current.stop();
        void live.current.message.warning(live.current.t('study.audio.stoppedOnClose'));
      }
      release();
      live.current.onRecordingChange?.(false);
    },
    [],
  );

  const upload = async (f: File) => {
    setError(null);
    setPercent(0);
    try {
      const stored = await uploadStoredFile('study', f, setPercent);
      setFile(stored);
      onChange?.(stored.id);
    } catch (e) {
      setError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setPercent(null);
    }
  };

  const startRecording = async () => {
    setError(null);
    if (!canRecord()) {
      setError(t('study.audio.cannotRecord'));
      return;
    }
    setRecording({ state: 'asking' });
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      setRecording({ state: 'idle' });
      const name = e instanceof DOMException ? e.name : '';
      setError(t(name === 'NotAllowedError' || name === 'SecurityError' ? 'study.audio.denied' : 'study.audio.noMicrophone'));
      return;
    }
    stream.current = media;
    const chunks: Blob[] = [];
    const rec = new MediaRecorder(media);
    recorder.current = rec;
    rec.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    rec.onstop = () => {
      release();
      setRecording({ state: 'converting' });
      toWav(new Blob(chunks, { type: rec.mimeType || 'audio/webm' }))
        .then((wav) => {
          setRecording({ state: 'idle' });
          return upload(new File([wav], `${t('study.audio.fileName')}.wav`, { type: 'audio/wav' }));
        })
        .catch(() => {
          setRecording({ state: 'idle' });
          setError(t('study.audio.convertFailed'));
        });
    };
    rec.start(1000);
    let seconds = 0;
    setRecording({ state: 'recording', seconds });
    timer.current = window.setInterval(() => {
      seconds += 1;
      setRecording({ state: 'recording', seconds });
      if (seconds >= MAX_RECORD_SECONDS) rec.stop();
    }, 1000);
  };

  const stopRecording = () => {
    window.clearInterval(timer.current);
    if (recorder.current && recorder.current.state !== 'inactive') recorder.current.stop();
  };

  const busy = recording.state !== 'idle' || percent !== null;
  return (
    <div data-testid="article-audio">
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <Space wrap>
          {recording.state === 'recording' ? (
            <>
              <Typography.Text strong role="status" data-testid="article-audio-recording">
                <AudioOutlined aria-hidden style={{ color: '#cf1322' }} /> {`${t('study.audio.recordingNow')} ${clock(recording.seconds)}`}
              </Typography.Text>
              <Typography.Text type="secondary" data-testid="article-audio-size">
                {t('study.audio.size', { size: formatBytes(44 + recording.seconds * WAV_BYTES_PER_SECOND), perMinute: formatBytes(60 * WAV_BYTES_PER_SECOND) })}
              </Typography.Text>
              <Button danger type="primary" onClick={stopRecording} data-testid="article-audio-stop">
                {t('study.audio.stop')}
              </Button>
            </>
          ) : (
            <>
              <Button id={id} icon={<AudioOutlined aria-hidden />} onClick={() => void startRecording()} disabled={busy} loading={recording.state === 'asking'} data-testid="article-audio-record">
                {value ? t('study.audio.recordAgain') : t('study.audio.record')}
              </Button>
              <Upload
                accept={ACCEPT_AUDIO}
                showUploadList={false}
                maxCount={1}
                disabled={busy}
                beforeUpload={(f) => {
                  void upload(f);
                  return false;
                }}
              >
                <Button icon={<UploadOutlined aria-hidden />} disabled={busy} loading={percent !== null} data-testid="article-audio-upload">
                  {t('study.audio.upload')}
                </Button>
              </Upload>
            </>
          )}
          {recording.state === 'converting' && <Typography.Text type="secondary">{t('study.audio.converting')}</Typography.Text>}
        </Space>
        {value && (
          <Space wrap align="center">
            <audio controls preload="none" src={shown?.url ?? `/api/files/${value}`} data-testid="article-audio-player" aria-label={t('study.audio.playback')} />
            {shown && <Typography.Text type="secondary">{`${shown.fileName} · ${formatBytes(shown.sizeBytes)}`}</Typography.Text>}
            <Button
              danger
              icon={<DeleteOutlined aria-hidden />}
              onClick={() => {
                setFile(null);
                onChange?.(null);
              }}
              disabled={busy}
              data-testid="article-audio-remove"
            >
              {t('study.audio.remove')}
            </Button>
          </Space>
        )}
        {percent !== null && <Progress percent={percent} status="active" size="small" aria-label={t('upload.progress')} style={{ maxWidth: 360 }} />}
        {error && (
          <Typography.Text type="danger" role="alert" data-testid="article-audio-error">
            {error}
          </Typography.Text>
        )}
        {!value && speechState === 'failed' && (
          <Typography.Text type="warning" role="status" data-testid="article-audio-speech-failed">
            {t('study.audio.speechFailed')}
          </Typography.Text>
        )}
        {value && value === initialFile?.id && speechState === 'partial' && (
          <Typography.Text type="warning" data-testid="article-audio-speech-partial">
            {t('study.audio.speechPartial')}
          </Typography.Text>
        )}
        {!value && speechState !== 'failed' && speech.data && (
          <Typography.Text type="secondary" data-testid="article-audio-speech">
            {speech.data.configured ? t('study.audio.speechWillMake') : t('study.audio.speechNone')}
          </Typography.Text>
        )}
      </Space>
    </div>
  );
}
