import { ORGANIZATION_ALIASES } from './aliases.ts';

// Corporate suffixes and legal forms, in Latin and Korean/Japanese scripts. Order matters
// only for readability: every match is removed wherever it stands as a separate token.
const LEGAL_FORMS = [
  'incorporated',
  'inc',
  'corporation',
  'corp',
  'company',
  'co',
  'limited',
  'ltd',
  'llc',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'bv',
  'nv',
  'spa',
  'srl',
  'ab',
  'asa',
  'oy',
  'kk',
  'pty',
  'pte',
  'group',
  'holdings',
  'holding',
  'the',
];
const LEGAL_FORM_SET = new Set(LEGAL_FORMS);
const CJK_LEGAL = /주식회사|\(주\)|㈜|유한회사|株式会社|有限会社|\(株\)/g;

/**
 * Folds a name for comparison: Unicode-normalised, lower case, punctuation removed, legal
 * forms (Inc., Co., Ltd., plc, GmbH, 주식회사, (주) …) dropped, spaces removed for CJK names.
 */
export function foldOrganizationName(name: string): string {
  let text = name.normalize('NFKC').toLowerCase().replace(CJK_LEGAL, ' ');
  // "&" and "+" are part of names (AT&T, LG U+); keep them, drop the rest of the punctuation.
  text = text.replace(/[’'`´]s\b/g, '').replace(/[^\p{L}\p{N}&+\s]/gu, ' ');
  const tokens = text.split(/\s+/).filter((token) => token && !LEGAL_FORM_SET.has(token));
  if (tokens.length === 0) return '';
  return tokens.join(
    /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text) ? '' : ' ',
  );
}

const aliasToKey = new Map<string, string>();
const keyToDisplay = new Map<string, string>();
const keyToNames = new Map<string, readonly string[]>();

function keyFor(folded: string): string {
  return folded.replace(/\s+/g, '-');
}

for (const row of ORGANIZATION_ALIASES) {
  const display = row[0] ?? '';
  const key = keyFor(foldOrganizationName(display));
  keyToDisplay.set(key, display);
  keyToNames.set(key, row);
  for (const name of row) aliasToKey.set(foldOrganizationName(name), key);
}

/**
 * The organisation key events are matched on: the alias table's key when the name is a known
 * alias in any script, otherwise the folded name with spaces as dashes. Empty names give null.
 */
export function organizationKey(name: string | null | undefined): string | null {
  if (!name) return null;
  const folded = foldOrganizationName(name);
  if (!folded) return null;
  return aliasToKey.get(folded) ?? keyFor(folded);
}

/** The display name for a key when the alias table knows it (e.g. "Coupang" for 쿠팡). */
export function organizationDisplayName(key: string): string | undefined {
  return keyToDisplay.get(key);
}

/** Every name the alias table knows for a key (the key's own name when it has no row). */
export function organizationNames(key: string): readonly string[] {
  return keyToNames.get(key) ?? [];
}

/** Known organisations named anywhere in a text (for a policy that names the incident it answers). */
export function organizationsMentioned(text: string): string[] {
  const found = new Set<string>();
  const lower = text.normalize('NFKC').toLowerCase();
  for (const [key, names] of keyToNames) {
    for (const name of names) {
      const needle = name.toLowerCase();
      if (needle.length < 2) continue;
      const at = lower.indexOf(needle);
      if (at < 0) continue;
      // Latin names must stand as words ("KT" is not in "market"); CJK names need no boundary.
      if (/^[\p{Script=Latin}\d]/u.test(needle)) {
        const before = lower[at - 1] ?? ' ';
        const after = lower[at + needle.length] ?? ' ';
        if (/[\p{L}\p{N}]/u.test(before) || /[\p{Script=Latin}\p{N}]/u.test(after)) continue;
      }
      found.add(key);
      break;
    }
  }
  return [...found];
}
