import sanitizeHtml from 'sanitize-html';

/** Images may come from our own file store or from an https address; nothing else. */
const OWN_FILE = /^\/api\/files\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIMENSION = /^\d{1,4}$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'blockquote', 'ul', 'ol', 'li', 'a', 'img',
    'figure', 'figcaption', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'hr', 'span',
  ],
  allowedAttributes: {
    a: ['href', 'rel'],
    img: ['src', 'alt', 'width', 'height', 'loading', 'decoding'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...(attribs.href ? { href: attribs.href } : {}), rel: 'noopener noreferrer' },
    }),
    img: (tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      const keep: Record<string, string> = {};
      if (OWN_FILE.test(src) || /^https:\/\/\S+$/i.test(src)) keep.src = src;
      if (attribs.alt) keep.alt = attribs.alt;
      if (attribs.width && DIMENSION.test(attribs.width)) keep.width = attribs.width;
      if (attribs.height && DIMENSION.test(attribs.height)) keep.height = attribs.height;
      // Members read on weak signals: images load when scrolled to and decode off the main thread.
      keep.loading = 'lazy';
      keep.decoding = 'async';
      return { tagName, attribs: keep };
    },
    td: cellTransform,
    th: cellTransform,
  },
  // An image whose address was refused is dropped rather than left as a broken box.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

function cellTransform(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const keep: Record<string, string> = {};
  for (const k of ['colspan', 'rowspan'] as const) if (attribs[k] && /^\d{1,2}$/.test(attribs[k])) keep[k] = attribs[k];
  return { tagName, attribs: keep };
}

/**
 * The one sanitizer of article HTML: applied when an item is saved and again whenever it is
 * served, so a change of these rules also covers what was stored before.
 */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** Whether sanitized HTML still has something to read (text or an image). */
export function hasContent(html: string): boolean {
  return /<img\s/i.test(html) || sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).trim().length > 0;
}

/** Ids of our own files an article shows (`<img src="/api/files/<id>">`), each once. */
export function fileIdsIn(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/src="\/api\/files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/gi)) ids.add((m[1] as string).toLowerCase());
  return [...ids];
}
