/**
 * The sanctioned amount of a penalty document. Caps ("up to €20m", "최대"), valuations and
 * revenue figures are not sanctions. The headline amount wins; in prose the amount the fine was
 * reduced to wins over the original one; otherwise the first amount in a sentence about the
 * sanction.
 */
import type { DocContext, Field } from './context.ts';
import type { MoneyMention } from './money.ts';
import type { Evidence, Penalty } from './types.ts';

const SANCTION_CONTEXT =
  /\b(?:fine[ds]?|fining|penalt(?:y|ies)|sanction(?:s|ed)?|settle(?:d|ment|s)?|to pay|ordered|imposed|levied|slapped|agreed to pay|pay)\b|과징금|과태료|벌금|課徴金|制裁金|罰金|amende|sanction|bu(?:ß|ss)geld|multa|sanci[óo]n|sanzion/i;
const NOT_SANCTION =
  /\b(?:valuation|valued at|revenue|sales|turnover|market (?:cap|value)|worth of|raised|raises|funding|acquisition|acquire|damages (?:sought|claimed)|compensation|ransom|demanded|pension system|budget|invest(?:ed|ment)?|spent)\b/i;
const REDUCED_TO = /\b(?:reduced|lowered|cut|decreased|brought down|revised)(?: it)? to\s*$/i;
const PROPOSED =
  /\b(?:intends? to|intention to|plans? to|proposed|provisional|notice of intent|could face|may face|faces? (?:a )?(?:possible|potential)|preliminary|draft decision|seeks?|seeking|considering|considers|threatens?)\b|부과 ?예정|예고|추진/i;
const FINAL =
  /\b(?:fined|imposed|ordered to pay|agreed to pay|was fined|has been fined|upheld|final decision|levied|slapped|handed)\b|부과했|부과받|부과됐|처분을 받/i;

function sentenceOf(field: Field, at: number): string {
  const s = field.sentences.find((x) => at >= x.start && at < x.end);
  return (s?.text ?? field.text).slice(0, 300);
}

function usable(field: Field, money: MoneyMention): boolean {
  if (money.capped || money.amount <= 0) return false;
  const around = field.text.slice(Math.max(0, money.start - 60), Math.min(field.text.length, money.end + 40));
  return (
    !NOT_SANCTION.test(around) ||
    SANCTION_CONTEXT.test(field.text.slice(Math.max(0, money.start - 30), money.end + 12))
  );
}

/** Chooses the sanctioned amount; null when no usable amount is stated. */
export function extractPenalty(
  ctx: DocContext,
  authority: string | null,
): { penalty: Penalty; evidence: Evidence } | null {
  let chosen: { field: Field; money: MoneyMention } | null = null;
  for (const field of [ctx.title, ctx.summary]) {
    const candidates = field.money.filter((m) => usable(field, m));
    if (candidates.length === 0) continue;
    const reduced = candidates.find((m) =>
      REDUCED_TO.test(field.text.slice(Math.max(0, m.start - 30), m.start)),
    );
    const inContext = candidates.find((m) => {
      const s = sentenceOf(field, m.start);
      return SANCTION_CONTEXT.test(s);
    });
    const pick = reduced ?? inContext ?? (field.name === 'title' ? candidates[0] : undefined);
    if (pick !== undefined) {
      chosen = { field, money: pick };
      break;
    }
  }
  if (chosen === null) return null;
  const sentence = sentenceOf(chosen.field, chosen.money.start);
  const status: Penalty['status'] = PROPOSED.test(sentence)
    ? 'proposed'
    : FINAL.test(sentence)
      ? 'final'
      : null;
  return {
    penalty: { amount: chosen.money.amount, currency: chosen.money.currency, authority, status },
    evidence: { field: chosen.field.name, text: sentence },
  };
}
