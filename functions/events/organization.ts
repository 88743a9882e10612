import { ORGANIZATION_ALIASES, ORGANIZATION_COUNTRIES } from './aliases.ts';

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

const CJK_SCRIPT = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Every alias of the table, folded once at load: text scans run per document on the hot path. */
const ALIAS_NEEDLES: { key: string; needle: string; cjk: boolean }[] = [];
for (const [key, names] of keyToNames) {
  for (const name of names) {
    const needle = name.normalize('NFKC').toLowerCase();
    if (needle.length >= 2) ALIAS_NEEDLES.push({ key, needle, cjk: CJK_SCRIPT.test(needle) });
  }
}

/**
 * Where each known organisation (any alias, any script) is first named in a text. Latin names
 * must stand as words ("KT" is not in "market"); CJK names take particles, so need no boundary.
 */
function knownMentions(text: string): Map<string, number> {
  const lower = text.normalize('NFKC').toLowerCase();
  const first = new Map<string, number>();
  for (const { key, needle, cjk } of ALIAS_NEEDLES) {
    let at = lower.indexOf(needle);
    while (at >= 0 && !cjk) {
      const before = lower[at - 1] ?? ' ';
      const after = lower[at + needle.length] ?? ' ';
      // A Korean or Japanese particle may follow a Latin name ("SKT는"), a Latin letter may not.
      if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{Script=Latin}\p{N}]/u.test(after)) break;
      at = lower.indexOf(needle, at + 1);
    }
    if (at >= 0 && at < (first.get(key) ?? Number.POSITIVE_INFINITY)) first.set(key, at);
  }
  return first;
}

/** Known organisations named anywhere in a text (for a policy that names the incident it answers). */
export function organizationsMentioned(text: string): string[] {
  return [...knownMentions(text).keys()];
}

const GENERIC_TOKENS = new Set([
  'bank',
  'group',
  'national',
  'international',
  'health',
  'service',
  'services',
  'systems',
  'global',
  'of',
  'and',
  'the',
  'for',
]);

/**
 * Whether two organisation keys name the same organisation: equal; equal without spaces
 * ("kakao-pay" / "kakaopay"); an acronym of the other ("opm" / "office-of-personnel-
 * management"); or one's words a leading subset of the other's with a distinctive first
 * word ("latitude" / "latitude-financial", "japan-pension" / "japan-pension-system").
 */
export function sameOrganization(a: string, b: string): boolean {
  if (a === b) return true;
  const compactA = a.replace(/-/g, '');
  const compactB = b.replace(/-/g, '');
  if (compactA === compactB) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const shortTokens = short.split('-');
  const longTokens = long.split('-');
  if (shortTokens.length === 1 && longTokens.length >= 3 && /^[a-z]{3,6}$/.test(short)) {
    const initials = longTokens
      .filter((token) => !['of', 'and', 'the', 'for', '&'].includes(token))
      .map((token) => token[0])
      .join('');
    if (initials === short) return true;
  }
  const first = shortTokens[0] ?? '';
  if (first.length < 4 || GENERIC_TOKENS.has(first)) return false;
  // Singular/plural of a word ("pension" / "pensions") counts as the same word.
  const same = (x: string, y: string) => x === y || `${x}s` === y || `${y}s` === x;
  return shortTokens.every((token, index) => same(token, longTokens[index] ?? ''));
}

/** Whether a text names an organisation (its display name or an alias) as a word. */
export function textNamesOrganization(
  text: string,
  organization: { name: string; aliases: readonly string[] },
): boolean {
  const lower = text.normalize('NFKC').toLowerCase();
  for (const name of [organization.name, ...organization.aliases]) {
    const needle = name.normalize('NFKC').toLowerCase().trim();
    const cjk = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(needle);
    if (needle.length < (cjk ? 2 : 3)) continue;
    let at = lower.indexOf(needle);
    while (at >= 0) {
      const before = lower[at - 1] ?? ' ';
      const after = lower[at + needle.length] ?? ' ';
      if (cjk || (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after))) return true;
      at = lower.indexOf(needle, at + 1);
    }
  }
  return false;
}

/** The country a known organisation is based in (from the alias table), if recorded. */
export function organizationCountry(key: string): string | undefined {
  const display = keyToDisplay.get(key);
  return display ? ORGANIZATION_COUNTRIES[display] : undefined;
}

/**
 * The known organisation (alias table, any script) named earliest in a text, with its
 * position: the extractor's fallback when its grammar finds no organisation.
 */
export function firstKnownOrganization(text: string): { key: string; name: string; at: number } | null {
  let best: { key: string; name: string; at: number } | null = null;
  for (const [key, at] of knownMentions(text)) {
    if (!best || at < best.at) best = { key, name: keyToDisplay.get(key) ?? key, at };
  }
  return best;
}
