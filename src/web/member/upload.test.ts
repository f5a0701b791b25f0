import { describe, expect, it } from 'vitest';
import { fitWithin, isAcceptedPhoto, PHOTO_LONG_EDGE, photoName, photoType, recordingName, recordingType } from './upload.ts';
import { blankShareForm, hasContent, readForm } from './share-draft.ts';

describe('a photo made fit for a weak signal', () => {
  it('keeps a photo within the long edge as it is', () => {
    expect(fitWithin(1200, 900)).toEqual({ width: 1200, height: 900 });
    expect(fitWithin(PHOTO_LONG_EDGE, 10)).toEqual({ width: PHOTO_LONG_EDGE, height: 10 });
  });

  it('brings the longer side down to 1600 px keeping the shape, landscape or portrait', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
    // a panorama never collapses to nothing
    expect(fitWithin(20000, 5)).toEqual({ width: 1600, height: 1 });
  });

  it('names the upload so the server agrees with its type (extension and content must match)', () => {
    expect(photoName('IMG_2024.HEIC.png', 'image/png')).toBe('IMG_2024HEIC.png');
    expect(photoName('工地 照片.jpeg', 'image/jpeg')).toBe('工地照片.jpg');
    expect(photoName('../../etc/passwd', 'image/jpeg')).toBe('etcpasswd.jpg');
    expect(photoName('.png', 'image/png')).toBe('photo.png');
  });

  it('takes JPEG, PNG, WebP and GIF photos and nothing else', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/webp', 'image/gif']) expect(isAcceptedPhoto({ type, name: 'photo' })).toBe(true);
    for (const type of ['image/heic', 'application/pdf', 'video/mp4', '']) expect(isAcceptedPhoto({ type, name: 'photo' })).toBe(false);
    // a type the browser named wins over the name
    expect(isAcceptedPhoto({ type: 'image/heic', name: 'IMG_1.jpg' })).toBe(false);
  });

  it('takes a photo the browser gave no type by its extension, only those the server takes', () => {
    expect(photoType({ type: '', name: 'IMG_20261206.JPG' })).toBe('image/jpeg');
    expect(photoType({ type: '', name: '工地.jpeg' })).toBe('image/jpeg');
    expect(photoType({ type: '', name: 'a.png' })).toBe('image/png');
    expect(photoType({ type: '', name: 'a.webp' })).toBe('image/webp');
    expect(photoType({ type: '', name: 'a.gif' })).toBe('image/gif');
    for (const name of ['IMG_1.heic', 'a.pdf', 'photo', 'a.jpg.exe', '.']) expect(isAcceptedPhoto({ type: '', name })).toBe(false);
    expect(photoType({ type: 'image/png', name: 'a.jpg' })).toBe('image/png');
  });
});

describe('a voice recording', () => {
  it("prefers WebM with Opus, then what the phone can make, and names the file by it", () => {
    expect(recordingType(() => true)).toBe('audio/webm;codecs=opus');
    expect(recordingType((type) => type === 'audio/mp4')).toBe('audio/mp4');
    expect(recordingType(() => false)).toBeNull();
    expect(recordingName('audio/webm')).toBe('voice.webm');
    expect(recordingName('audio/mp4')).toBe('voice.m4a');
    expect(recordingName('audio/ogg')).toBe('voice.ogg');
  });
});

describe('the draft of a post read back from the phone', () => {
  it('keeps what was written and uploaded', () => {
    const form = { kind: 'city', body: '在城里看到的新鲜事', audience: 'village', topicId: 't1', photos: [{ fileId: 'f1', url: '/api/files/f1' }], voice: { fileId: 'v1', url: '/api/files/v1' } };
    expect(readForm(form)).toEqual(form);
  });

  it('falls back to the blank form for anything unreadable, and keeps at most nine photos', () => {
    const photos = Array.from({ length: 12 }, (_, i) => ({ fileId: `f${i}`, url: `/api/files/f${i}` }));
    const read = readForm({ kind: 'gossip', body: 42, audience: 'world', topicId: '', photos: [...photos, { fileId: 1 }], voice: 'x' });
    expect(read).toEqual({ ...blankShareForm(), photos: photos.slice(0, 9) });
    expect(readForm(null)).toBeNull();
    expect(readForm('text')).toBeNull();
  });

  it('counts as something to restore only when text, a photo or a recording is in it', () => {
    expect(hasContent(blankShareForm('t1'))).toBe(false);
    expect(hasContent({ ...blankShareForm(), body: '   ' })).toBe(false);
    expect(hasContent({ ...blankShareForm(), body: '心得' })).toBe(true);
    expect(hasContent({ ...blankShareForm(), photos: [{ fileId: 'f', url: 'u' }] })).toBe(true);
  });
});

/** A page of 互动's feed, the nth of three. */
const feedPage = (n: number) => ({ topic: null, items: [], nextCursor: n < 3 ? `c${n}` : null });

describe("互动's feed kept on the phone", () => {
  it('keeps the first page of each scope, as last seen', async () => {
    const { isKept, keptForm } = await import('./kept-forms.ts');
    expect(isKept(['shares', 'branch'])).toBe(true);
    expect(isKept(['shares', 'village'])).toBe(true);
    const feed = { pages: [feedPage(1), feedPage(2), feedPage(3)], pageParams: [null, 'c1', 'c2'] };
    expect(keptForm(['shares', 'branch'], feed)).toEqual({ pages: [feedPage(1)], pageParams: [null] });
  });
});
