import type { StoredFile } from '../../shared/api-learning.ts';
import { uploadFile } from '../common/http.ts';

/**
 * A member's uploads (a shared post's photos and voice recording): one file at a time to
 * `POST /api/files?purpose=share` with its progress. Uploads need a signal; what they answer (the
 * file's id) is what a draft keeps, so a post written on a weak signal only waits for its text.
 *
 * A phone's photo is often 4–12 MB: on 3G that is minutes. Photos are shrunk on the phone first
 * (long edge ≤ PHOTO_LONG_EDGE px, JPEG at PHOTO_QUALITY) with a canvas; one already small is sent as it is.
 */

export const PHOTO_LONG_EDGE = 1600;
export const PHOTO_QUALITY = 0.8;
/** A photo under this size and within the long edge goes as it is (re-encoding would only lose detail). */
const SMALL_ENOUGH_BYTES = 400 * 1024;
/** The server's limit for a shared post's file (src/server/modules/files/file-types.ts). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The photo types the server takes for a post, by the browser's MIME type. */
const PHOTO_TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

export function uploadShareFile(file: File, onProgress: (percent: number) => void): Promise<StoredFile> {
  return uploadFile<StoredFile>('/api/files?purpose=share', file, onProgress);
}

/** A service log's photo (志愿服务 · 记录服务): the same types and limit as a post's photos. */
export function uploadServicePhoto(file: File, onProgress: (percent: number) => void): Promise<StoredFile> {
  return uploadFile<StoredFile>('/api/files?purpose=service', file, onProgress);
}

/** The photo types the server takes, by file extension (jpg and jpeg alike): file-types.ts. */
const PHOTO_EXTENSIONS: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

/**
 * The MIME type of a chosen photo the server takes, or null: the browser's type, or, when it gives
 * none (some Android WebViews, WeChat's among them, leave it empty), the file name's extension.
 */
export function photoType(file: { type: string; name: string }): string | null {
  if (file.type in PHOTO_TYPES) return file.type;
  if (file.type !== '') return null;
  const ext = /\.([^./\\]+)$/.exec(file.name)?.[1]?.toLowerCase();
  return ext ? (PHOTO_EXTENSIONS[ext] ?? null) : null;
}

/** Whether a chosen file is a photo the server takes (HEIC and others are refused on the phone, with words). */
export function isAcceptedPhoto(file: { type: string; name: string }): boolean {
  return photoType(file) !== null;
}

/** The size that fits `width × height` within `longEdge` on its longer side, keeping the shape; never larger. */
export function fitWithin(width: number, height: number, longEdge = PHOTO_LONG_EDGE): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (longer <= longEdge || longer === 0) return { width, height };
  const scale = longEdge / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A file name the server's type check agrees with (extension and content must match). */
export function photoName(original: string, mimeType: string): string {
  const ext = PHOTO_TYPES[mimeType] ?? 'jpg';
  const base = original.replace(/\.[^./\\]*$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '').slice(0, 40) || 'photo';
  return `${base}.${ext}`;
}

function loadImage(file: File): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('unreadable image'));
    };
    img.src = url;
  });
}

/**
 * A photo made fit for a weak signal: drawn on a canvas no larger than PHOTO_LONG_EDGE on its long
 * side and encoded as JPEG. A small photo, a GIF (its animation would be lost), or a phone that
 * cannot draw it keeps the original.
 */
export async function shrinkPhoto(chosen: File): Promise<File> {
  // a photo without a type from the browser gets the one its extension names
  const type = photoType(chosen) ?? 'image/jpeg';
  const file = chosen.type === type ? chosen : new File([chosen], chosen.name, { type });
  if (file.type === 'image/gif') return new File([file], photoName(file.name, file.type), { type: file.type });
  try {
    const img = await loadImage(file);
    const size = fitWithin(img.naturalWidth, img.naturalHeight);
    const resized = size.width !== img.naturalWidth || size.height !== img.naturalHeight;
    if (!resized && file.size <= SMALL_ENOUGH_BYTES) return new File([file], photoName(file.name, file.type), { type: file.type });
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    // A PNG with transparency on white, as it would show on the page.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, size.width, size.height);
    context.drawImage(img, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY));
    if (!blob || (blob.size >= file.size && !resized)) return new File([file], photoName(file.name, file.type), { type: file.type });
    return new File([blob], photoName(file.name, 'image/jpeg'), { type: 'image/jpeg' });
  } catch {
    return new File([file], photoName(file.name, file.type), { type: file.type });
  }
}

/** The recorder's type this phone can make, preferring what the server takes (WebM, MP4/M4A, Ogg). */
export function recordingType(isSupported: (type: string) => boolean): string | null {
  for (const type of ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus', 'audio/ogg']) {
    if (isSupported(type)) return type;
  }
  return null;
}

/** The file name of a recording by its type, so the server's type check agrees. */
export function recordingName(mimeType: string): string {
  if (mimeType.startsWith('audio/mp4') || mimeType.startsWith('video/mp4')) return 'voice.m4a';
  if (mimeType.includes('ogg')) return 'voice.ogg';
  return 'voice.webm';
}
