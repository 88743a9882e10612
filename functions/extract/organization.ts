/**
 * The organisation a document is about: the affected company or body for a breach, the fined
 * party for a penalty — never the regulator, the news outlet or the attackers. Headlines and
 * ledes name it in a handful of grammatical positions; each pattern below reads one of them and
 * every candidate goes through the same cleaning (descriptors, possessive countries, titles).
 */
import type { DocContext } from './context.ts';
import { COUNTRY_NAMES, REGULATORS } from './geo.ts';
import type { Evidence, Kind } from './types.ts';

// Lower-case head nouns that introduce a name: "the dental benefits administrator DentaQuest".
const DESCRIPTORS = new Set(
  `company companies firm service services platform provider retailer e-retailer seller store shop brand chain app application
  website site forum board community network game server marketplace exchange operator carrier publisher developer
  maker manufacturer bank lender insurer administrator agency giant startup start-up subsidiary isp telco telecom
  project tool plugin software magazine newspaper outlet broadcaster airline distributor processor clinic pharmacy
  hotel franchise parlour parlor studio label vendor supplier contractor consultancy group conglomerate organisation
  organization charity hospital university school college club portal aggregator broker brokerage fintech
  e-commerce ecommerce issuer producer owner parent unit arm division affiliate platforms apps sites
  administrator manager handler registrar host hosting cafe restaurant restaurants retailers companies system systems`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
// Capitalised words that are not names (sentence starts, headline words, roles).
const NOT_NAMES = new Set(
  `the a an this that these those it its they we he she our their his her there here in on at by for from with of to and or
  attackers attacker threat actors actor criminals cybercriminals scammers fraudsters researchers researcher experts expert patients
  names name emails email addresses address passwords password numbers phone phones dates birth details credentials
  retailer retailers insurer insurers hospital hospitals lender lenders school schools university universities provider providers operator operators platform app apps startup vendor vendors
  but as after before when while how why what who which where did does do is are was were will can could should would
  has have had not no new latest report reports update breaking exclusive lead watch video live opinion analysis
  data breach breaches hack hacked hackers hacker hacking leak leaked leaks cyber cyberattack cyber-attack attack attacks
  ransomware security privacy personal information police government officials authorities investigators company
  companies customers users members people employees firm firms ceo cto cfo chairman president minister
  judge regulator regulators watchdog watchdogs global world online internet news major massive huge big
  largest biggest record results investigation probe details accounts records million-dollar measures customer user
  member subscriber client patient one two three four five six seven eight nine ten de des du la le les der die das
  von el los las del di il lo monday tuesday wednesday thursday friday saturday sunday
  january february march april may june july august september october november december jan feb mar apr jun jul aug
  sep sept oct nov dec millions million billion thousands hundreds some many several all more most over nearly about
  around up today yesterday tomorrow gdpr pipa hipaa ccpa dsgvo rgpd fine fines fined penalty penalties settlement
  sanction sanctions lawsuit class action mr mrs ms dr prof according meanwhile however also just now still even
  initially originally following amid despite additionally`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
const NEWS_AGENCIES = new Set(
  `ap reuters bloomberg afp xinhua yonhap nhk bbc cnn kyodo dpa efe ansa upi nikkei`.split(/\s+/),
);
// Verbs that end a headline subject when read backwards or a name when read forwards.
const VERBS = new Set(
  `says said confirms confirmed confirm suffers suffered suffer reports reported discloses disclosed announces announced
  admits admitted notifies notified warns warned urges urged apologizes apologises apologized apologised investigates
  investigated faces faced files filed hit hits probes probed sues sued leaks leaked exposes exposed loses lost reveals
  revealed alerts alerted informs tells told falls fell detects detected replaces replace to fined fines sanctions
  sanctioned penalized penalised settles settled agrees agreed pays paid ordered orders impacts impacted affects affected
  breached hacked targeted struck could may might will was were is are has have had being been becomes became blames
  blamed claims claimed releases released publishes published posted says: issues issued launches launched offers
  offered begins began starts started denies denied responds responded resets reset`.split(/\s+/),
);
const CONNECTORS = new Set([
  '&',
  'of',
  'de',
  'du',
  'des',
  'für',
  'and',
  'y',
  'et',
  'und',
  "d'",
  'la',
  'le',
  'del',
]);
const COUNTRY_WORDS = new Set(
  Object.values(COUNTRY_NAMES)
    .flatMap((v) => v.split('|'))
    .map((n) => n.replace(/^=/, '').toLowerCase()),
);
const REGULATOR_WORDS = new Set(REGULATORS.map((r) => r.phrase.toLowerCase()));
// Bodies that act (fine, investigate, legislate) rather than suffer a breach.
const REGULATOR_HINT =
  /\b(?:commission|commissioner|regulator|watchdog|supervisory|inspectorate|ombudsman|data protection|protection board|court|tribunal|congress|parliament|assembly|council|police|prosecutors?|intelligence)\b/i;
// A name never contains these words: they come from headline grammar around the name.
const BAD_NAME_WORDS = new Set(
  `breach breaches hack hacked hacking hacks leak leaks leaked cyberattack cyber-attack attack attacks incident
  investigation results information personal million millions billion customers users records accounts fine fined
  fines penalty penalties state-sponsored sponsored report cyberattaque fuite données piratage datenleck datenlecks
  datenpanne filtración brecha ransomware malware lawsuit millionen milliarden millions milliards millones nutzer kunden`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
const CURRENCY_CODES =
  /^(?:USD|EUR|GBP|KRW|JPY|CNY|RMB|INR|CHF|PLN|SEK|NOK|DKK|AUD|CAD|SGD|HKD|BRL|US\$|A\$|C\$|S\$|R\$|Rs\.?|\$.*|€.*|£.*|¥.*|₩.*)$/;
const UNIT_TOKEN = /^\d+(?:[.,]\d+)?(?:GB|TB|MB|KB|M|K|B|bn|mn|m|k|%)$/i;
const HACKER_HINT =
  /\b(?:hackers?|hacking group|ransomware group|gang|threat actors?|cybercriminals?|extortion group|collective)\b/i;

const NAME_TOKEN =
  /^(?:[\p{Lu}\p{N}][\p{L}\p{N}&'.+-]*|\p{Ll}+\p{Lu}[\p{L}\p{N}]*|[\p{Ll}\d][\p{Ll}\d-]*\.(?:com|net|org|io|co|ch|de|fr|uk|jp|kr|in|ru|pl|nl|info|biz|me|tv|cc|gg|app|ai|us|ca|au|es|it|se|br)|[\p{Script=Hangul}\p{Script=Han}\p{Script=Katakana}]+)$/u;
const TOKEN_RE = /[^\s]+/g;

interface RawToken {
  text: string;
  start: number;
  end: number;
}

function tokensOf(text: string): RawToken[] {
  const out: RawToken[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null && out.length < 60; m = TOKEN_RE.exec(text)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function bare(token: string): string {
  return token.replace(/^["'([]+/, '').replace(/["')\],:;.!?]+$/, '');
}

function isNameToken(token: string): boolean {
  const b = bare(token);
  if (b.length === 0) return false;
  if (/^\d+(?:[.,]\d+)*[%$€£]?$/.test(b) || UNIT_TOKEN.test(b) || CURRENCY_CODES.test(b)) return false;
  if (/^[$€£¥₩]/.test(b)) return false;
  if (VERBS.has(b.toLowerCase()) && !/^[\p{Lu}\d&]+$/u.test(b)) return false;
  return NAME_TOKEN.test(b);
}

/** Reads the run of name tokens that ends just before `end` (a headline subject). */
function nameBefore(text: string, end: number): string | null {
  const tokens = tokensOf(text.slice(Math.max(0, end - 90), end));
  const taken: string[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!.text;
    if (
      taken.length > 0 &&
      /[,:;.!?"]$/.test(t) &&
      !/^(?:\p{L}\.)+$/u.test(t) &&
      !/\b(?:Inc|Corp|Co|Ltd)\.$/.test(t)
    )
      break;
    if (/[([]$/.test(t)) break;
    const lower = bare(t).toLowerCase();
    if (taken.length > 0 && CONNECTORS.has(lower) && i > 0 && isNameToken(tokens[i - 1]!.text)) {
      taken.unshift(t);
      continue;
    }
    if (!isNameToken(t) || NOT_NAMES.has(lower) || BAD_NAME_WORDS.has(lower)) break;
    taken.unshift(t);
    if (taken.length >= 7) break;
    if (/^["'([]/.test(t)) break;
  }
  return taken.length > 0 ? taken.join(' ') : null;
}

/** Reads a noun phrase starting at `start`: determiners, descriptors and then the name. */
function nameAfter(text: string, start: number): string | null {
  const tokens = tokensOf(text.slice(start, start + 140));
  const taken: string[] = [];
  let seenName = false;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!.text;
    const t = bare(raw);
    const lower = t.toLowerCase();
    if (t.length === 0) break;
    if (!seenName) {
      // Skip determiners, adjectives and descriptors until the first name token.
      const next = tokens[i + 1] ? bare(tokens[i + 1]!.text) : '';
      const countryStartsName =
        COUNTRY_WORDS.has(lower) &&
        /^[\p{Lu}]/u.test(next) &&
        !DESCRIPTORS.has(next.toLowerCase()) &&
        !NOT_NAMES.has(next.toLowerCase()) &&
        !/[,:;]$/.test(raw);
      if (isNameToken(raw) && ((!COUNTRY_WORDS.has(lower) && !NOT_NAMES.has(lower)) || countryStartsName)) {
        seenName = true;
        taken.push(raw);
      } else if (isNameToken(raw) || /^[\p{Ll}'-]+$/u.test(t)) {
        if (VERBS.has(lower) || /^(?:in|on|for|with|by|from|after|over|that|which|who)$/.test(lower)) break;
        if (i > 7) break;
        continue;
      } else break;
      if (/[,:;.!?")]$/.test(raw) && !/^(?:\p{L}\.)+$/u.test(raw)) break;
      continue;
    }
    if (
      CONNECTORS.has(lower) &&
      tokens[i + 1] &&
      isNameToken(tokens[i + 1]!.text) &&
      !VERBS.has(bare(tokens[i + 1]!.text).toLowerCase())
    ) {
      taken.push(raw);
      continue;
    }
    if (
      !isNameToken(raw) ||
      (VERBS.has(lower) && taken.length > 0) ||
      NOT_NAMES.has(lower) ||
      BAD_NAME_WORDS.has(lower)
    )
      break;
    taken.push(raw);
    if (/[,:;.!?")]$/.test(raw) && !/^(?:\p{L}\.)+$/u.test(raw) && !/\b(?:Inc|Corp|Co|Ltd)\.$/.test(raw))
      break;
    if (taken.length >= 7) break;
  }
  return taken.length > 0 ? taken.join(' ') : null;
}

/** Options of cleanName. */
interface CleanOptions {
  /** Headline text: capitalised descriptors ("Major Insurer Anthem") may be stripped too. */
  title?: boolean;
  /** "Google and Meta were fined": keep the first party. */
  splitAnd?: boolean;
}

const ROLE_AFTER_POSSESSIVE =
  /^(.+?)['’]s (?:ceo|chief|founder|co-founder|chairman|chairwoman|president|spokesperson|spokesman|spokeswoman|boss|head|executive|owner|parent|board|shareholders|customers|users|members|subscribers|employees|website|systems?|servers?|network|database|app|platform|data|information)\b/i;
const TRAILING_GENERIC =
  /^(?:just|now|also|finally|officially|data|breach|hack|leak|cyberattack|attack|hacking|incident|customers|users|members|subscribers|records|accounts|user|customer|member|says|said|group's)$/i;
const ALLOWED_LOWER = new Set([
  'of',
  'and',
  'de',
  'du',
  'des',
  'la',
  'le',
  'für',
  'the',
  '&',
  'for',
  'y',
  'et',
  'und',
  'del',
  'di',
  'da',
  'van',
  'von',
  'on',
  'in',
]);

/** Normalises a candidate: strips descriptors, possessive countries, quotes, titles. */
export function cleanName(raw: string, ctx: DocContext, opts: CleanOptions = {}): string | null {
  let name = raw
    .replace(/\s*\([^)]*\)?/g, ' ')
    .replace(/\s*\[[^\]]*\]/g, ' ')
    .replace(/["“”]/g, '')
    .replace(/[,:;.!?]+$/, '')
    .replace(/^['‘]+|['’]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // "branch of Facebook", "known as Yahoo": the name follows.
  name = name.replace(/^.*\b(?:branch|subsidiary|unit|division|affiliate) of (?:the )?/i, '');
  name = name.replace(/^.*\b(?:known as|called|named|dubbed) /i, '');
  // "Coupang's CEO", "AT&T's customers": the owner is the name.
  const role = ROLE_AFTER_POSSESSIVE.exec(name);
  if (role?.[1]) name = role[1];
  let parts = name.split(' ').filter((p) => p.length > 0);
  // Quantities before a name: "Some 533 million Facebook user records".
  const lastNumber = parts.findLastIndex(
    (p) =>
      (/\d/.test(p) && !/\p{L}{2,}/u.test(p.replace(/^\d+/, ''))) ||
      /^(?:million|billion|thousand|mln|bn|m)$/i.test(p),
  );
  if (lastNumber >= 0 && lastNumber < parts.length - 1) parts = parts.slice(lastNumber + 1);
  // Drop everything up to and including the last descriptor when a name follows it.
  let lastDescriptor = -1;
  for (let i = 0; i < parts.length - 1; i++) {
    const w = parts[i]!;
    const lower = w.toLowerCase().replace(/[^\p{L}-]/gu, '');
    const isLower = w === w.toLowerCase() || /^[A-Z]{2,4}$/.test(w);
    if (
      DESCRIPTORS.has(lower) &&
      (isLower || opts.title === true) &&
      /^[\p{Lu}\d"'\p{Ll}]/u.test(parts[i + 1] ?? '') &&
      !CONNECTORS.has((parts[i + 1] ?? '').toLowerCase())
    ) {
      lastDescriptor = i;
    }
  }
  if (lastDescriptor >= 0) parts = parts.slice(lastDescriptor + 1);
  // "the Malwarebytes forum was hacked", "the NurseryCam system designed for parents": name, then descriptor.
  const tailDescriptor = parts.findIndex(
    (p, i) =>
      i > 0 &&
      DESCRIPTORS.has(p.toLowerCase()) &&
      p === p.toLowerCase() &&
      /^[\p{Lu}\d]|\p{Lu}/u.test(parts[i - 1] ?? ''),
  );
  if (tailDescriptor > 0) parts = parts.slice(0, tailDescriptor);
  // Leading determiners, question words, possessive countries and adjectives.
  let guard = 0;
  while (parts.length > 1 && guard++ < 10) {
    const w = parts[0]!;
    if (
      /^(?:the|a|an|did|does|do|is|are|how|why|what|will|can|has|second|third|first|latest|new|major|massive|huge|another|some|about|nearly|over|all|its|their)$/i.test(
        w,
      )
    ) {
      if (w === 'The' && /^[A-Z]/.test(parts[1] ?? '') && !/^The\b/.test(raw.trim())) break;
      parts = parts.slice(1);
      continue;
    }
    const country = countryPrefix(parts);
    if (country > 0) {
      const possessive = /['’]s$/.test(parts[country - 1]!);
      const rest = parts.slice(country);
      const restStartsName = /^[\p{Lu}\d]/u.test(rest[0] ?? '');
      const institution =
        /^(?:Ministry|Department|Government|Police|Army|Navy|Interior|Health|Defence|Defense|Finance|Justice|Office)\b/.test(
          rest[0] ?? '',
        );
      if (rest.length > 0 && (possessive || !restStartsName || institution || /^(?:U\.?S\.?|UK)$/.test(w))) {
        parts = rest;
        continue;
      }
      break;
    }
    // Lower-case leading words (adjectives) before a capitalised name.
    if (/^\p{Ll}/u.test(w) && !/\p{Lu}/u.test(w) && parts.slice(1).some((p) => /^[\p{Lu}\d]/u.test(p))) {
      parts = parts.slice(1);
      continue;
    }
    break;
  }
  while (parts.length > 1 && TRAILING_GENERIC.test(parts[parts.length - 1]!)) parts = parts.slice(0, -1);
  // "X and their media arm": stop at "and" followed by lower case; "Google and Meta" (penalties): first party.
  const andAt = parts.findIndex(
    (p, i) =>
      i > 0 &&
      /^(?:and|&)$/i.test(p) &&
      (/^\p{Ll}/u.test(parts[i + 1] ?? 'x') || (opts.splitAnd === true && p.toLowerCase() === 'and')),
  );
  if (andAt > 0) parts = parts.slice(0, andAt);
  if (parts.length > 1 && parts.some((p) => /^\p{Ll}+$/u.test(p) && !ALLOWED_LOWER.has(p))) return null;
  if (parts.some((p) => BAD_NAME_WORDS.has(p.toLowerCase().replace(/[^\p{L}-]/gu, '')))) return null;
  name = parts
    .join(' ')
    .replace(/^['"]+|['"]+$/g, '')
    .replace(/['’]$/, '')
    .trim();
  if (name.length < 2 || name.length > 80) return null;
  const domainLike = /^[\p{Ll}\d][\p{Ll}\d-]*\.[a-z]{2,4}$/u.test(name);
  if (!domainLike && !/[\p{Lu}\p{Script=Hangul}\p{Script=Han}\p{Script=Katakana}]/u.test(name)) return null;
  // "SKT's negligence": drop the possessive when the bare name also appears in the document.
  if (/['’]s$/.test(name) && ctx.all.includes(`${name.slice(0, -2)} `)) name = name.slice(0, -2);
  if (!isAcceptable(name, ctx)) return null;
  return name;
}

/** Number of leading words that form a country name or demonym ("South Korea's" -> 2). */
function countryPrefix(parts: readonly string[]): number {
  for (let n = Math.min(3, parts.length - 1); n >= 1; n--) {
    const phrase = parts
      .slice(0, n)
      .join(' ')
      .toLowerCase()
      .replace(/['’]s?$/, '');
    if (COUNTRY_WORDS.has(phrase)) return n;
  }
  return 0;
}

function isAcceptable(name: string, ctx: DocContext): boolean {
  const lower = name.toLowerCase();
  if (
    NOT_NAMES.has(lower) ||
    COUNTRY_WORDS.has(lower) ||
    REGULATOR_WORDS.has(lower) ||
    NEWS_AGENCIES.has(lower)
  )
    return false;
  if (REGULATOR_HINT.test(name) && !/\b(?:bank|insurance|hospital|group|inc|corp|ltd)\b/i.test(name))
    return false;
  const folded = lower.replace(/[^\p{L}\p{N}]/gu, '');
  if (folded.length === 0) return false;
  for (const label of ctx.hostLabels)
    if (label.length > 2 && (label === folded || (folded.length > 4 && label.startsWith(folded))))
      return false;
  const words = name.split(' ');
  if (words.every((w) => NOT_NAMES.has(w.toLowerCase()) || COUNTRY_WORDS.has(w.toLowerCase()))) return false;
  return true;
}

interface Pattern {
  re: RegExp;
  read: 'before' | 'after';
  kinds: ReadonlyArray<Kind>;
  /** Title-only patterns rely on headline grammar. */
  titleOnly?: boolean;
  /** Only when a count precedes the name ("73 million AT&T customers"). */
  afterNumber?: boolean;
}

const BREACH_NOUN =
  '(?:data breach|security breach|breach|hack|hacking|leak|data leak|cyberattack|cyber-attack|cyber attack|ransomware attack|attack|intrusion|incident|security incident)';
const SUBJECT_VERB =
  '(?:says|said|confirms|confirmed|confirm|suffers|suffered|reports|reported|discloses|disclosed|announces|announced|admits|admitted|notifies|notified|warns|urges|urged|apologi[sz]es|apologi[sz]ed|investigates|faces|files|filed|falls|detects|detected|probes|sues|leaks|leaked|exposes|exposed|loses|lost|reveals|revealed|alerts|informs|identified|experienced|breached|hacked|hit by|hit with|to replace|to notify|to pay|agrees to pay|agreed to pay|has been|have been|was hacked|was breached|was the target|was the victim|was targeted|became the victim|fell victim|had|has|was|were|is)';
const COUNT_NOUN =
  '(?:(?:user |customer |member |subscriber |account |patient |guest )?(?:customers|users|accounts|members|subscribers|employees|patients|guests|clients|records|account holders|policyholders|cardholders|shoppers|players|students|passengers|individuals))';

const PATTERNS: ReadonlyArray<Pattern> = [
  // Penalties: "SEC fines Altaba", "PIPC sanctions Kakao Pay", "imposed ... on Kakao".
  {
    re: /\b(?:fines|fined|sanctions|sanctioned|penali[sz]es|slaps|slapped|hits|punishes|orders)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['penalty'],
  },
  {
    re: /\s+(?=(?:was |were |has been |have been |is |are |gets? |got |had been )?(?:fined|penali[sz]ed|sanctioned|ordered to pay|to pay|agrees to pay|agreed to pay|settles|settled|hit with|handed|slapped|faces? (?:a )?(?:fine|penalty)|files|filed))/gi,
    read: 'before',
    kinds: ['penalty'],
  },
  {
    re: /\b(?:fines?|penalt(?:y|ies)|sanctions?|settlement)\s+(?:of [^ ]+ (?:[^ ]+ )?)?(?:for|on|against|to|with)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['penalty'],
  },
  {
    re: /\b(?:imposed|levied|issued)\b[^.]{0,90}?\b(?:on|against|to)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['penalty'],
  },
  { re: /\bfined\b[^.]{0,40}?\bon\s+(?=\S)/gi, read: 'after', kinds: ['penalty'] },
  // Breaches: "breach at X", "cyberattack on X", "data ... from X", "records at X".
  {
    re: new RegExp(`\\b${BREACH_NOUN}\\s+(?:at|on|of|against|hits?|hitting|in)\\s+(?=\\S)`, 'gi'),
    read: 'after',
    kinds: ['breach', 'penalty'],
  },
  {
    re: /\b(?:obtained|taken|stolen|sourced|breached|scraped|leaked|exfiltrated|stole|steals?|allegedly|data|records|hacked|hack|accounts|addresses|information)\s+(?:from|at)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['breach'],
  },
  // Lookahead-only patterns start with a space so the regex engine can skip ahead cheaply.
  {
    re: new RegExp(`\\s+(?=${COUNT_NOUN}\\b)`, 'gi'),
    read: 'before',
    kinds: ['breach', 'penalty'],
    afterNumber: true,
  },
  {
    re: new RegExp(`(?:'s)?\\s+(?=${BREACH_NOUN}\\b)`, 'gi'),
    read: 'before',
    kinds: ['breach', 'penalty'],
    titleOnly: true,
  },
  {
    re: new RegExp(`,?\\s+(?=${SUBJECT_VERB}\\b)`, 'gi'),
    read: 'before',
    kinds: ['breach', 'penalty'],
    titleOnly: true,
  },
  { re: /\s*:\s/g, read: 'before', kinds: ['breach', 'penalty'], titleOnly: true },
  { re: /\b(?:known as|called|dubbed|named)\s+(?=\S)/gi, read: 'after', kinds: ['breach'] },
  {
    re: /\b(?:broke into|breached|hacked|targeted|infiltrated|compromised|attacked)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['breach'],
  },
  {
    re: /\b(?:fuite de données|fuite|piratage|cyberattaque|attaque)\s+(?:de|chez|à|contre|visant)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['breach'],
  },
  {
    re: /\b(?:datenleck|datenpanne|hackerangriff|cyberangriff)\s+(?:bei|auf|von)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['breach'],
  },
  {
    re: /\b(?:filtración|brecha|hackeo|ciberataque)\s+(?:de datos\s+)?(?:en|de|a|contra)\s+(?=\S)/gi,
    read: 'after',
    kinds: ['breach'],
  },
];

const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
// HIBP-style lede: "In August 2026, the French ... company Questel was the target of ..."
const LEDE_TIME = new RegExp(
  `^(?:(?:in|at some point in|sometime in|some time in|during|around|by|from|since)\\s+(?:approximately\\s+|about\\s+|around\\s+|late\\s+|early\\s+|mid-?\\s*)*(?:(?:${MONTHS})\\.?\\s+)?(?:\\d{4}|${MONTHS})|(?:on|last)\\s+(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?)),\\s+`,
  'i',
);
const LEDE_VERB =
  /\s(?:allegedly\s+|reportedly\s+|subsequently\s+|later\s+|publicly\s+|first\s+|also\s+|on \w+ )?(?:suffered|left|discovered|found|ran|was|were|had|has|have|disclosed|confirmed|detected|identified|announced|became|experienced|reported|said|says|admitted|notified|began|appeared|launched|exposed|leaked|published|lost|fell|is|are|acknowledged|revealed|informed|sent|asked|settled|agreed|apologi[sz]ed|urged|warned|released|issued|filed)\b/;
const DATELINE =
  /^(?:\[[^\]]{1,40}\]\s*|\((?:[A-Z][\w ]{0,20})\)\s*[-–—]+\s*|[A-Z][A-Za-z.]*(?:,? [A-Z][A-Za-z.]*){0,3}(?:,? (?:[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*(?:\([^)]{1,30}\))?\s*[-–—]+\s+|[A-Z][A-Za-z]*, [A-Z][a-z]{2,8}\.? \d{1,2} \([^)]{1,30}\)\s+)/;
const TITLE_PREFIX =
  /^(?:\s*(?:\[[^\]]{1,30}\]|\((?:LEAD|UPDATE|2ND LEAD|3RD LEAD|URGENT|AMENDED|Update \d+)\)|(?:UPDATE|BREAKING|EXCLUSIVE|Exclusive|Breaking|Update|Opinion|Analysis|Hacked|Breached|Leaked)\s*[:-])\s*)+/;

const KO_LEAK_OBJECT =
  /(?:유출|해킹|노출)(?:한|된|당한|사고를 낸| 된| 사고가 난)\s*([\p{Script=Hangul}A-Za-z0-9&]+?)(?:에게|에|이|가|은|는|의|,|…|\.|\s|$)/u;
const KO_FINED_PARTY =
  /(?:^|[\s,.…])([\p{Script=Hangul}A-Za-z0-9&]{2,20}?)(?:에게|에)\s*(?:[^\s]+\s+){0,2}(?:과징금|과태료|벌금)/u;
const KO_TITLE_HEAD =
  /^([\p{Script=Hangul}\p{Script=Katakana}\p{Script=Han}A-Za-z0-9&ー]{2,20}?)(?:,|、|…|\.\.\.|\s*[-–]\s)/u;
const JA_SUBJECT =
  /([\p{Script=Katakana}\p{Script=Han}A-Za-z0-9ー]{2,20})(?:は|が)[^。]{0,40}(?:漏洩|漏えい|流出|不正アクセス)/u;
const KO_PARTICLE = /(?:에게|에서|에|이|가|은|는|의|와|과|도)$/u;
const KO_NOT_NAMES =
  /^(?:최대|역대|사상|최고|총|약|국내|정부|당국|경찰|검찰|국회|기업|회사|고객|개인정보|정보|해커|사용자|이용자|피해자|대규모|유출|해킹|사고|사태|조사|과징금|과태료|처분|의결|제재|피해|공격|랜섬웨어|대통령|정보유출|보안|침해|위반|분기|올해|지난해|업체|기관|병원|대학|학교|쇼핑몰|플랫폼|통신사|카드사|은행)$|^\d/u;

/** Result of organisation extraction. */
export interface OrganizationResult {
  organization: string | null;
  evidence: Evidence | null;
}

function sentenceAround(text: string, at: number): string {
  const dot = text.lastIndexOf('. ', at);
  const from = dot < 0 ? 0 : dot + 2;
  const next = text.indexOf('. ', at);
  const s = text.slice(from, next < 0 ? text.length : next + 1).trim();
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

function tryPatterns(
  text: string,
  ctx: DocContext,
  kind: Kind,
  isTitle: boolean,
  limit: number,
): { name: string; at: number } | null {
  const scope = text.slice(0, limit);
  const opts: CleanOptions = { title: isTitle, splitAnd: kind === 'penalty' };
  for (const p of PATTERNS) {
    if (!p.kinds.includes(kind) || (p.titleOnly === true && !isTitle)) continue;
    p.re.lastIndex = 0;
    let guard = 0;
    for (let m = p.re.exec(scope); m !== null && guard < 40; m = p.re.exec(scope)) {
      guard += 1;
      if (m[0].length === 0) p.re.lastIndex += 1;
      const at = m.index + (p.read === 'after' ? m[0].length : 0);
      if (
        p.afterNumber === true &&
        !/\d[\d.,]*(?:\s?(?:million|billion|thousand|mln|bn|[mkMK]))?\s+(?:current and former\s+|former\s+|current\s+)?\S+(?:\s\S+){0,3}$/.test(
          scope.slice(Math.max(0, at - 60), at),
        )
      )
        continue;
      const raw = p.read === 'after' ? nameAfter(scope, at) : nameBefore(scope, at);
      if (raw === null) continue;
      if (p.read === 'after' && HACKER_HINT.test(scope.slice(at, at + 40))) continue;
      if (p.read === 'before' && /(?:hackers?|group|gang)\s*$/i.test(raw)) continue;
      const name = cleanName(raw, ctx, opts);
      if (name === null) continue;
      // "Veteran investigators deployed": a capitalised adjective opening a sentence-case headline
      // (followed by a lower-case noun, not a verb) is not a name unless the lede repeats it.
      const headline = scope.replace(/^[\s"'“‘]+/, '');
      const nextWord =
        /^\S+\s+(\S+)/.exec(headline.slice(headline.startsWith(name) ? 0 : headline.length))?.[1] ?? '';
      if (
        isTitle &&
        /^\p{Lu}\p{Ll}+$/u.test(name) &&
        headline.startsWith(`${name} `) &&
        /^\p{Ll}+$/u.test(nextWord) &&
        !VERBS.has(nextWord) &&
        !ctx.summary.text.includes(name)
      )
        continue;
      return { name, at };
    }
  }
  return null;
}

function ledeSubject(ctx: DocContext): { name: string; at: number } | null {
  for (const sentence of ctx.summary.sentences.slice(0, 3)) {
    const first = sentence.text.slice(0, 400);
    const dateline = DATELINE.exec(first);
    let offset = dateline ? dateline[0].length : 0;
    const time = LEDE_TIME.exec(first.slice(offset));
    if (time) offset += time[0].length;
    const rest = first.slice(offset);
    const verb = LEDE_VERB.exec(rest);
    if (verb === null || verb.index > 160) continue;
    const subject = rest.slice(0, verb.index);
    if (HACKER_HINT.test(subject)) continue;
    // "Coupang, South Korea's leading online retailer, has ..." or "South Korea's largest operator, SK Telecom, ...".
    for (const segment of subject.split(/,\s+/).slice(0, 3)) {
      const name = cleanName(segment, ctx);
      if (name !== null) return { name, at: sentence.start + offset };
    }
  }
  return null;
}

function cjkName(
  ctx: DocContext,
  kind: Kind,
): { name: string; field: 'title' | 'summary'; at: number } | null {
  for (const field of [ctx.title, ctx.summary]) {
    const text = field.text.slice(0, 600);
    const tries =
      kind === 'penalty'
        ? [KO_LEAK_OBJECT, KO_FINED_PARTY, KO_TITLE_HEAD, JA_SUBJECT]
        : [KO_LEAK_OBJECT, KO_TITLE_HEAD, JA_SUBJECT];
    for (const re of tries) {
      const m = re.exec(text);
      if (m === null) continue;
      const raw = (m[1] ?? '').replace(KO_PARTICLE, '');
      if (KO_NOT_NAMES.test(raw)) continue;
      const name = cleanName(raw, ctx);
      if (name !== null && !isCjkRegulator(name)) return { name, field: field.name, at: m.index };
    }
  }
  return null;
}
function isCjkRegulator(name: string): boolean {
  return /위원회|위$|개보위|정부|당국|경찰|검찰|국회|委員会|省$|庁$|政府|警察/u.test(name);
}

/** Most frequent acceptable capitalised run in the document: the last resort. */
function frequentName(ctx: DocContext): { name: string; field: 'title' | 'summary'; at: number } | null {
  const counts = new Map<string, { n: number; field: 'title' | 'summary'; at: number }>();
  const RUN =
    /(?:[\p{Lu}][\p{L}\p{N}&'.-]*|\p{Ll}+\p{Lu}[\p{L}\p{N}]*)(?: (?:&|of|and) [\p{Lu}][\p{L}\p{N}&'.-]*| [\p{Lu}][\p{L}\p{N}&'.-]*){0,4}/gu;
  for (const field of [ctx.title, ctx.summary]) {
    const text = field.text.slice(0, 1500);
    RUN.lastIndex = 0;
    for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
      const sentenceStart = m.index === 0 || /[.!?]\s+$/.test(text.slice(Math.max(0, m.index - 3), m.index));
      const name = cleanName(m[0], ctx);
      if (name === null || (sentenceStart && !name.includes(' '))) continue;
      if (HACKER_HINT.test(text.slice(m.index + m[0].length, m.index + m[0].length + 20))) continue;
      const entry = counts.get(name) ?? { n: 0, field: field.name, at: m.index };
      entry.n += field.name === 'title' ? 2 : 1;
      counts.set(name, entry);
    }
  }
  let best: { name: string; field: 'title' | 'summary'; at: number } | null = null;
  let bestN = 1;
  for (const [name, e] of counts) {
    if (e.n > bestN) {
      best = { name, field: e.field, at: e.at };
      bestN = e.n;
    }
  }
  return best;
}

/** Extracts the organisation for a document of the given kind. */
export function extractOrganization(ctx: DocContext, kind: Kind): OrganizationResult {
  if (kind === 'other' || kind === 'policy') return { organization: null, evidence: null };
  const titleText = ctx.title.text.replace(TITLE_PREFIX, '');
  if (titleText.length > 0) {
    const hit = tryPatterns(titleText, ctx, kind, true, 400);
    if (hit)
      return { organization: hit.name, evidence: { field: 'title', text: ctx.title.text.slice(0, 300) } };
  }
  if (ctx.hangul || ctx.kana) {
    const cjk = cjkName(ctx, kind);
    if (cjk) {
      const text = cjk.field === 'title' ? ctx.title.text : ctx.summary.text;
      return { organization: cjk.name, evidence: { field: cjk.field, text: sentenceAround(text, cjk.at) } };
    }
  }
  const summary = ctx.summary.text;
  if (summary.length > 0) {
    if (kind === 'penalty') {
      const fined = tryPatterns(summary, ctx, kind, false, 1200);
      if (fined)
        return {
          organization: fined.name,
          evidence: { field: 'summary', text: sentenceAround(summary, fined.at) },
        };
    }
    const lede = ledeSubject(ctx);
    if (lede)
      return {
        organization: lede.name,
        evidence: { field: 'summary', text: sentenceAround(summary, lede.at) },
      };
    const hit = tryPatterns(summary, ctx, kind, false, 1200);
    if (hit)
      return {
        organization: hit.name,
        evidence: { field: 'summary', text: sentenceAround(summary, hit.at) },
      };
  }
  const frequent = frequentName(ctx);
  if (frequent) {
    const text = frequent.field === 'title' ? ctx.title.text : ctx.summary.text;
    return {
      organization: frequent.name,
      evidence: { field: frequent.field, text: sentenceAround(text, frequent.at) },
    };
  }
  return { organization: null, evidence: null };
}
