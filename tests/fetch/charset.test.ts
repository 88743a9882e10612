import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../functions/fetch/charset.ts';

const korean = '개인정보 유출';
const eucKrBytes = new Uint8Array([
  0xb0, 0xb3, 0xc0, 0xce, 0xc1, 0xa4, 0xba, 0xb8, 0x20, 0xc0, 0xaf, 0xc3, 0xe2,
]);

function utf16le(text: string, bom: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

describe('decodeBody', () => {
  it('sanity: the EUC-KR bytes are the Korean text', () => {
    expect(new TextDecoder('euc-kr').decode(eucKrBytes)).toBe(korean);
  });

  it('decodes EUC-KR declared in the Content-Type header', () => {
    const result = decodeBody(eucKrBytes, 'text/html; charset=EUC-KR');
    expect(result).toMatchObject({ text: korean, charset: 'euc-kr', from: 'header' });
  });

  it('decodes EUC-KR declared in an HTML meta tag', () => {
    const head = Buffer.from(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr"></head><body>',
    );
    const result = decodeBody(Buffer.concat([head, eucKrBytes]), 'text/html');
    expect(result.charset).toBe('euc-kr');
    expect(result.text).toContain(korean);
    expect(result.from).toBe('meta');
  });

  it('decodes ISO-8859-1 declared in the XML declaration', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><t>Caf\xe9 Soci\xe9t\xe9</t>',
      'latin1',
    );
    const result = decodeBody(bytes, 'application/xml');
    expect(result.text).toContain('Café Société');
    expect(result.from).toBe('xml');
  });

  it('honours a UTF-8 BOM over a wrong header', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(korean)]);
    expect(decodeBody(bytes, 'text/xml; charset=iso-8859-1')).toMatchObject({ text: korean, from: 'bom' });
  });

  it('decodes UTF-16 with and without a BOM', () => {
    const xml = '<?xml version="1.0" encoding="UTF-16"?><t>개인정보</t>';
    expect(decodeBody(utf16le(xml, true), null).text).toBe(xml);
    expect(decodeBody(utf16le(xml, false), null).text).toBe(xml);
  });

  it('reads a body misdeclared as ISO-8859-1 that is really UTF-8', () => {
    const result = decodeBody(Buffer.from(`<t>${korean}</t>`), 'text/xml; charset=iso-8859-1');
    expect(result.text).toBe(`<t>${korean}</t>`);
    expect(result.from).toBe('sniffed');
  });

  it('falls back to the in-document declaration when the header charset does not fit', () => {
    const head = Buffer.from('<?xml version="1.0" encoding="EUC-KR"?><t>');
    const result = decodeBody(
      Buffer.concat([head, eucKrBytes, Buffer.from('</t>')]),
      'text/xml; charset=utf-8',
    );
    expect(result.text).toContain(korean);
    expect(result.charset).toBe('euc-kr');
  });

  it('refuses a body that is valid under no declared charset, saying why', () => {
    expect(() => decodeBody(eucKrBytes, 'text/xml; charset=utf-8')).toThrow(/not valid utf-8/);
  });

  it('names an unsupported charset', () => {
    expect(() => decodeBody(new Uint8Array([0xff, 0xfe, 0xfd]), 'text/xml; charset=x-klingon')).toThrow(
      /x-klingon/,
    );
  });

  it('defaults to UTF-8', () => {
    expect(decodeBody(Buffer.from(korean), null)).toMatchObject({
      text: korean,
      charset: 'utf-8',
      from: 'default',
    });
  });
});
