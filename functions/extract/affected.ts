/**
 * How many people, accounts or records a breach touched. A quantity counts only when a noun of
 * people/accounts/records follows it within a few words ("33.7 million customer accounts",
 * "530,000 Virginians", "3,370만 명", "254,241件"); money, percentages, years, dates and
 * identifiers were already excluded by numbers.ts. Company-size statements ("has 9.6 million
 * members") are rejected.
 */
import type { DocContext, Field } from './context.ts';
import type { NumberMention } from './numbers.ts';
import type { Affected, AffectedUnit, Evidence } from './types.ts';

const PEOPLE = new Set(
  `people person persons individuals individual customers customer users user members member subscribers subscriber
  patients patient residents resident citizens citizen employees employee staff workers worker students student consumers
  consumer clients client victims victim guests guest passengers passenger donors donor players player shoppers shopper
  e-shoppers voters voter applicants applicant policyholders policyholder cardholders cardholder holders holder children
  parents teachers veterans taxpayers borrowers investors visitors travelers travellers jobseekers drivers riders
  beneficiaries enrollees participants recipients contributors developers creators fans gamers followers households
  families adults minors pensioners retirees buyers sellers merchants physicians doctors nurses officers personnel
  soldiers troops nationals inhabitants owners tenants homeowners viewers listeners readers learners attendees candidates
  respondents claimants individuals' persons' customers' users' members' subscribers' patients' employees' students'
  clients' players' guests' victims' donors' account-holders
  personnes français françaises clients utilisateurs usagers abonnés patients salariés adhérents assurés allocataires demandeurs
  kunden nutzer personen menschen verbraucher patienten mitglieder versicherte bürger mitarbeiter
  personas clientes usuarios pacientes afiliados ciudadanos empleados abonados
  utenti persone clienti pazienti cittadini iscritti
  pessoas usuários clientes pacientes cidadãos`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
const ACCOUNTS = new Set(
  `accounts account profiles logins comptes konten cuentas contas account'`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
const RECORDS = new Set(
  `records record rows entries files documents credentials passwords emails cards numbers details ids identities names
  cases datasets datensätze kundendaten nutzerdaten registros dati dossiers enregistrements données`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
// Words that may sit between a number and its noun: "73 million current and former AT&T accounts".
const FILLER = new Set(
  `of its their the our his her unique current former active registered affected impacted individual personal private
  customer user member subscriber patient account holder email e-mail mail screen user's social security credit debit
  bank payment card phone mobile driver's drivers license licence passport identity id insurance medical health
  online paying loyalty and de des du d' der die von del de los las di dei das dos other more additional existing
  past present total potential possible anonymized anonymised korean american japanese french german british chinese
  indian canadian australian`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
const STOP_AFTER =
  /^(?:in|on|at|for|to|from|with|by|was|were|is|are|has|have|had|will|would|may|might|could|can|that|which|who|whose|after|before|since|per|than|or|as|while|when|because|but)$/i;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'&.-]*/uy;
const SPACES = /[ ,]*/y;
// "has 9.6 million members", "a subscriber base of 34 million": size of a company, not of a breach.
const SIZE_BEFORE =
  /(?:\b(?:has|have|had|boasts?|serves?|serving|counts?|operates|employs|holds|with a (?:\w+ )?base of|base of|population of|total of over|nearly half of|reaches)|보유|가입자 수)(?: (?:about|around|approximately|nearly|almost|some|over|more than|roughly|at least|an estimated))? $/i;
const EXPOSURE_VERB =
  /\b(?:exposed|leaked|stolen|compromised|affected|impacted|accessed|breached|taken|hacked|lost|published|posted|scraped|dumped)\b/i;

const KO_COUNTER = /^ ?(?:여 ?)?(명|건|개 ?계정|계정|人|名|件|人分|アカウント)/;
// "정보" but not the regulator's short name 개인정보위 / 개인정보보호위원회.
const KO_DATA_NEAR = /유출|데이터|기록|레코드|정보(?!보호위|위)|情報|流出|漏え|漏洩|データ|レコード/;

interface Candidate {
  mention: NumberMention;
  unit: AffectedUnit;
  field: Field;
  sentenceIndex: number;
  sentence: string;
}

function unitAfter(text: string, end: number): AffectedUnit | null {
  const ko = KO_COUNTER.exec(text.slice(end, end + 8));
  if (ko) {
    const c = ko[1] ?? '';
    // 건/件 counts cases of anything ("12건 의결" = twelve decisions); only records near data words.
    if ((c === '건' || c === '件') && !KO_DATA_NEAR.test(text.slice(Math.max(0, end - 20), end + 16)))
      return null;
    return c === '건' || c === '件'
      ? 'records'
      : c.includes('계정') || c === 'アカウント'
        ? 'accounts'
        : 'people';
  }
  let pos = end;
  for (let i = 0; i < 7; i++) {
    SPACES.lastIndex = pos;
    const sp = SPACES.exec(text);
    const gap = sp ? sp[0] : '';
    if (gap.includes(',')) return null;
    pos += gap.length;
    WORD.lastIndex = pos;
    const w = WORD.exec(text);
    if (w === null) return null;
    pos += w[0].length;
    const raw = w[0].replace(/[.-]+$/, '');
    const lower = raw.toLowerCase().replace(/'s$/, '');
    if (ACCOUNTS.has(lower)) return 'accounts';
    if (PEOPLE.has(lower)) return 'people';
    if (RECORDS.has(lower)) {
      // "email addresses" / "IP addresses" are records; a bare "addresses" is not a count noun.
      return 'records';
    }
    if (lower === 'addresses' && i > 0) return 'records';
    if (/^\p{Lu}[\p{L}]*(?:ians|eans|ans|ese)$/u.test(raw) && i <= 1) return 'people'; // Virginians, Japanese
    if (i === 0 && /^(?:million|billion|thousand)$/i.test(lower)) return null;
    if (STOP_AFTER.test(lower)) return null;
    const capitalised = /^[\p{Lu}\d]/u.test(raw) || /\p{Lu}/u.test(raw.slice(1));
    if (!FILLER.has(lower) && !capitalised && !/-/.test(raw)) return null;
  }
  return null;
}

function collect(field: Field): Candidate[] {
  const out: Candidate[] = [];
  for (const mention of field.numbers) {
    if (mention.percent || mention.yearLike || mention.value < 1) continue;
    if (!mention.scaled && !Number.isInteger(mention.value)) continue;
    if (field.money.some((m) => m.mention === mention)) continue;
    const unit = unitAfter(field.text, mention.end);
    if (unit === null) continue;
    const sentenceIndex = field.sentences.findIndex((s) => mention.start >= s.start && mention.start < s.end);
    const sentence = field.sentences[sentenceIndex]?.text ?? field.text;
    const head = field.text.slice(Math.max(0, mention.start - 40), mention.start);
    if (SIZE_BEFORE.test(head)) {
      const clauseEnd = field.text.slice(mention.end, mention.end + 120).split(/[,.;:]/)[0] ?? '';
      if (!EXPOSURE_VERB.test(clauseEnd)) continue;
    }
    out.push({ mention, unit, field, sentenceIndex, sentence });
  }
  return out;
}

/** The first sentence that has candidates wins; within it, the largest count. */
function pick(cands: readonly Candidate[]): Candidate | null {
  if (cands.length === 0) return null;
  const first = cands[0]!;
  let best = first;
  for (const c of cands)
    if (c.sentenceIndex === first.sentenceIndex && c.mention.value > best.mention.value) best = c;
  return best;
}

/** Reads the affected count; null when the text states none. */
export function extractAffected(ctx: DocContext): { affected: Affected; evidence: Evidence } | null {
  const titleCands = collect(ctx.title);
  const summaryCands = collect(ctx.summary);
  let chosen = pick(titleCands) ?? pick(summaryCands);
  if (chosen === null) return null;
  if (chosen.field.name === 'title') {
    // A headline rounds ("nearly three million", "over 1 million"); the lede often has the exact figure.
    const v = chosen.mention.value;
    const lower = chosen.mention.approximate ? 0.9 * v : 0.99 * v;
    const upper = chosen.mention.approximate ? 1.5 * v : 1.01 * v;
    const refined = summaryCands.find(
      (c) =>
        c.mention.value >= lower &&
        c.mention.value <= upper &&
        c.mention.precision > chosen!.mention.precision,
    );
    if (refined) chosen = refined;
  }
  const count = Math.round(chosen.mention.value);
  if (count < 1) return null;
  return {
    affected: { count, unit: chosen.unit, approximate: chosen.mention.approximate },
    evidence: {
      field: chosen.field.name,
      text: chosen.sentence.length > 300 ? `${chosen.sentence.slice(0, 297)}...` : chosen.sentence,
    },
  };
}
