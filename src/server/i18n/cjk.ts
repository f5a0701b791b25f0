/** Chinese characters and the full-width punctuation Chinese text uses. */
export const CJK_TEXT = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;
