import type { UploadPurpose } from '../../../shared/api-learning.ts';

const MB = 1024 * 1024;

export type FileFamily = 'audio' | 'video' | 'pdf' | 'image' | 'office';

export interface FileType {
  ext: string;
  mimeType: string;
  family: FileFamily;
  label: string;
  /** Whether the first bytes look like this type (extension and content must agree). */
  sniff(head: Buffer): boolean;
}

const ascii = (head: Buffer, offset: number, text: string): boolean => head.length >= offset + text.length && head.toString('latin1', offset, offset + text.length) === text;
const bytes = (head: Buffer, offset: number, values: number[]): boolean => values.every((v, i) => head[offset + i] === v);

const isId3 = (h: Buffer) => ascii(h, 0, 'ID3');
/** MPEG audio frame: 11 sync bits, a layer other than "reserved" (ADTS uses layer 00). */
const isMpegFrame = (h: Buffer) => h.length >= 2 && h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0 && ((h[1] ?? 0) & 0x06) !== 0;
/** AAC in ADTS frames: 12 sync bits, layer 00. */
const isAdts = (h: Buffer) => h.length >= 2 && h[0] === 0xff && ((h[1] ?? 0) & 0xf6) === 0xf0;
const isFtyp = (h: Buffer) => ascii(h, 4, 'ftyp');
const isRiff = (h: Buffer, kind: string) => ascii(h, 0, 'RIFF') && ascii(h, 8, kind);
const isZip = (h: Buffer) => bytes(h, 0, [0x50, 0x4b, 0x03, 0x04]);

const TYPES: FileType[] = [
  { ext: 'mp3', mimeType: 'audio/mpeg', family: 'audio', label: 'MP3', sniff: (h) => isId3(h) || isMpegFrame(h) },
  { ext: 'm4a', mimeType: 'audio/mp4', family: 'audio', label: 'M4A', sniff: isFtyp },
  { ext: 'aac', mimeType: 'audio/aac', family: 'audio', label: 'AAC', sniff: (h) => isAdts(h) || isId3(h) },
  { ext: 'ogg', mimeType: 'audio/ogg', family: 'audio', label: 'OGG', sniff: (h) => ascii(h, 0, 'OggS') },
  { ext: 'wav', mimeType: 'audio/wav', family: 'audio', label: 'WAV', sniff: (h) => isRiff(h, 'WAVE') },
  { ext: 'mp4', mimeType: 'video/mp4', family: 'video', label: 'MP4', sniff: isFtyp },
  { ext: 'webm', mimeType: 'video/webm', family: 'video', label: 'WebM', sniff: (h) => bytes(h, 0, [0x1a, 0x45, 0xdf, 0xa3]) },
  { ext: 'pdf', mimeType: 'application/pdf', family: 'pdf', label: 'PDF', sniff: (h) => ascii(h, 0, '%PDF-') },
  { ext: 'jpg', mimeType: 'image/jpeg', family: 'image', label: 'JPEG', sniff: (h) => bytes(h, 0, [0xff, 0xd8, 0xff]) },
  { ext: 'jpeg', mimeType: 'image/jpeg', family: 'image', label: 'JPEG', sniff: (h) => bytes(h, 0, [0xff, 0xd8, 0xff]) },
  { ext: 'png', mimeType: 'image/png', family: 'image', label: 'PNG', sniff: (h) => bytes(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: 'webp', mimeType: 'image/webp', family: 'image', label: 'WebP', sniff: (h) => isRiff(h, 'WEBP') },
  { ext: 'gif', mimeType: 'image/gif', family: 'image', label: 'GIF', sniff: (h) => ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a') },
  {
    ext: 'docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    family: 'office',
    label: 'Word',
    sniff: isZip,
  },
  {
    ext: 'xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    family: 'office',
    label: 'Excel',
    sniff: isZip,
  },
];

/** What each purpose accepts, by family, with its size limit. */
const RULES: Record<UploadPurpose, { family: FileFamily; maxBytes: number }[]> = {
  study: [
    { family: 'audio', maxBytes: 50 * MB },
    { family: 'video', maxBytes: 300 * MB },
    { family: 'pdf', maxBytes: 30 * MB },
    { family: 'image', maxBytes: 10 * MB },
  ],
  attachment: [
    { family: 'pdf', maxBytes: 30 * MB },
    { family: 'image', maxBytes: 30 * MB },
    { family: 'office', maxBytes: 30 * MB },
  ],
  // A phone's photos and a short voice recording (a phone's recorder writes WebM, a video type here).
  share: [
    { family: 'image', maxBytes: 10 * MB },
    { family: 'audio', maxBytes: 10 * MB },
    { family: 'video', maxBytes: 10 * MB },
  ],
  news: [{ family: 'image', maxBytes: 10 * MB }],
  // A service log's photos (a visit, a call's screenshot) and a donation's receipt, from a phone or the console.
  service: [{ family: 'image', maxBytes: 10 * MB }],
};

const FAMILY_LABEL: Record<FileFamily, string> = { audio: '音频', video: '视频', pdf: 'PDF', image: '图片', office: '文档' };

/** Bytes needed to recognise every type above. */
export const SNIFF_BYTES = 16;

/** The largest upload a purpose accepts (the multipart limit for the request). */
export function purposeMaxBytes(purpose: UploadPurpose): number {
  return Math.max(...RULES[purpose].map((r) => r.maxBytes));
}

export const formatMb = (n: number): string => `${Math.round(n / MB)} MB`;

/** "音频（mp3、m4a、aac、ogg、wav，≤ 50 MB）、视频（…）": what a purpose allows, for error messages. */
export function allowedTypesText(purpose: UploadPurpose): string {
  return RULES[purpose]
    .map((r) => {
      const exts = [...new Set(TYPES.filter((t) => t.family === r.family).map((t) => t.ext))].join('、');
      return `${FAMILY_LABEL[r.family]}（${exts}，不超过 ${formatMb(r.maxBytes)}）`;
    })
    .join('、');
}

/** The type a file name claims, if the purpose accepts it; with its size limit. */
export function typeForUpload(purpose: UploadPurpose, fileName: string): { type: FileType; maxBytes: number } | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (!ext) return null;
  const type = TYPES.find((t) => t.ext === ext);
  if (!type) return null;
  const rule = RULES[purpose].find((r) => r.family === type.family);
  return rule ? { type, maxBytes: rule.maxBytes } : null;
}

/** The family of a stored MIME type (study items check that a file fits their kind). */
export function familyOfMime(mimeType: string): FileFamily | null {
  return TYPES.find((t) => t.mimeType === mimeType)?.family ?? null;
}

/**
 * A Range header against a file of `size` bytes: one range [start, end] inclusive, `null` to send
 * the whole file (no header, or several ranges, which phones do not ask for), or 'unsatisfiable'.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (size === 0) return 'unsatisfiable';
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
