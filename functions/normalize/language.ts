/**
 * The language of a text from its script, falling back to the source's declared language.
 * Good enough to route Korean, Japanese and Chinese items; Latin-script languages keep the
 * source's tag (a French regulator's feed is French).
 */
export function detectLanguage(text: string, fallback: string): string {
  let hangul = 0;
  let kana = 0;
  let han = 0;
  let letters = 0;
  const sample = text.length > 2_000 ? text.slice(0, 2_000) : text;
  for (const char of sample) {
    const code = char.codePointAt(0) ?? 0;
    // ASCII first: most text is, and the Unicode property test below is the slow path.
    if (code < 0x80) {
      if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) letters++;
      continue;
    }
    if (
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0x1100 && code <= 0x11ff) ||
      (code >= 0x3130 && code <= 0x318f)
    )
      hangul++;
    else if (code >= 0x3040 && code <= 0x30ff) kana++;
    else if (code >= 0x4e00 && code <= 0x9fff) han++;
    else if (/\p{L}/u.test(char)) letters++;
  }
  const total = hangul + kana + han + letters;
  if (total === 0) return fallback;
  if (hangul / total > 0.2) return 'ko';
  if (kana > 0 && (kana + han) / total > 0.2) return 'ja';
  if (han / total > 0.3) return 'zh';
  return fallback;
}
