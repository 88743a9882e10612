import { BreachwireError } from '../core/errors.ts';

export interface Decoded {
  text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `euc-kr`, `windows-1252`. */
  charset: string;
  /** Where the charset came from. */
  from: 'bom' | 'header' | 'xml' | 'meta' | 'default' | 'sniffed';
}

/** Reads `charset=` from a Content-Type header value. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const match = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType);
  return match?.[1] ?? null;
}

function charsetFromBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return null;
}

/** UTF-16 without a BOM still starts `<\0?` — sniff it from the first bytes of an XML/HTML body. */
function sniffUtf16(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return 'utf-16be';
  return null;
}

/** The in-document declaration: `<?xml … encoding="…"?>` or `<meta charset>` / `http-equiv`. */
function charsetFromDocument(bytes: Uint8Array): { charset: string; from: 'xml' | 'meta' } | null {
  // Declarations are ASCII and must appear early; latin1 maps bytes 1:1 so offsets are safe.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const xml = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  if (xml?.[1]) return { charset: xml[1], from: 'xml' };
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  if (meta?.[1]) return { charset: meta[1], from: 'meta' };
  return null;
}

function normalizeLabel(label: string): string | null {
  try {
    return new TextDecoder(label.trim().toLowerCase()).encoding;
  } catch {
    return null;
  }
}

function tryDecode(bytes: Uint8Array, charset: string): string | null {
  try {
    return new TextDecoder(charset, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** True when the bytes contain multi-byte UTF-8 sequences and decode as valid UTF-8. */
function looksLikeUtf8(bytes: Uint8Array): boolean {
  let hasMultibyte = false;
  const limit = Math.min(bytes.length, 65_536);
  for (let i = 0; i < limit; i++) {
    if ((bytes[i] ?? 0) >= 0x80) {
      hasMultibyte = true;
      break;
    }
  }
  return hasMultibyte && tryDecode(bytes, 'utf-8') !== null;
}

/**
 * Decodes a body by its declared charset: a BOM wins, then the Content-Type header, then
 * the XML declaration or HTML meta, then UTF-8. A body that does not decode under the
 * declared charset is tried under the in-document declaration before giving up with
 * `source.decodeFailed` — garbled text is never stored silently. A single-byte Western
 * declaration on a body that is valid multi-byte UTF-8 is the common misdeclaration and is
 * read as UTF-8.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): Decoded {
  const bom = charsetFromBom(bytes) ?? sniffUtf16(bytes);
  if (bom) {
    const text = tryDecode(bytes, bom);
    if (text !== null) return { text, charset: bom, from: 'bom' };
  }
  const candidates: { charset: string; from: Decoded['from'] }[] = [];
  const header = charsetFromContentType(contentType);
  if (header) candidates.push({ charset: header, from: 'header' });
  const declared = charsetFromDocument(bytes);
  if (declared) candidates.push(declared);
  candidates.push({ charset: 'utf-8', from: 'default' });

  const unsupported: string[] = [];
  const failed: string[] = [];
  for (const candidate of candidates) {
    const charset = normalizeLabel(candidate.charset);
    if (!charset) {
      unsupported.push(candidate.charset);
      continue;
    }
    if ((charset === 'windows-1252' || charset === 'iso-8859-2') && looksLikeUtf8(bytes)) {
      return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', from: 'sniffed' };
    }
    const text = tryDecode(bytes, charset);
    if (text !== null) return { text, charset, from: candidate.from };
    failed.push(`${charset} (from ${candidate.from})`);
  }
  const parts = [];
  if (failed.length) parts.push(`body is not valid ${failed.join(' nor ')}`);
  if (unsupported.length) parts.push(`unsupported charset ${unsupported.map((c) => `"${c}"`).join(', ')}`);
  throw new BreachwireError('source.decodeFailed', parts.join('; '));
}
