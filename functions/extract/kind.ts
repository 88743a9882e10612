/**
 * What a document is about: an organisation's data exposed (breach), a regulator or court
 * sanction (penalty), a law/rule/guidance about privacy or breach handling (policy), or anything
 * else (other). Keyword families in English, Korean, Japanese, French, German, Spanish, Italian
 * and Portuguese; the decision order is explained in docs/EXTRACTION.md.
 */
import type { DocContext } from './context.ts';
import type { Evidence, Kind } from './types.ts';

// Data exposed or taken. Strong cues name the data or the act of taking it.
const BREACH_STRONG =
  /\b(?:data ?breach(?:es)?|breach(?:ed)?|hack(?:ed|ers?)\b(?:[^.]|\.(?=\d)){0,60}\b(?:data|information|records|details|accounts|database)|(?:data|information|records|details|database|accounts|passwords|credentials|cards)\b(?:[^.]|\.(?=\d)){0,60}\b(?:leak(?:ed|s)?|stolen|exposed|compromised|accessed|dumped|published|posted|sold|scraped|lost|taken|obtained|exfiltrated|released)|(?:leak(?:ed|s|ing)?|stole|stolen|steal(?:s|ing)?|exposed?|exposing|exposure of|broke into|compromised?|dumped|scraped|exfiltrated|lost|obtained)\b(?:[^.]|\.(?=\d)){0,60}\b(?:data|information|records|details|database|accounts|passwords|credentials|email addresses|names|numbers|cards)|data (?:leak|theft|exposure|dump)|theft of (?:\w+ ){0,2}(?:data|information|records|details)|hacking (?:incident|attack)|(?:information|info|data|details) (?:[^.]|\.(?=\d)){0,80}\bshared (?:illegally|outside|with (?:individuals|third parties|unauthori[sz]ed))|(?:data|database|server|instance|bucket)s? (?:left )?(?:publicly (?:facing|exposed|accessible)|unprotected|unsecured)|(?:unprotected|unsecured|misconfigured|exposed) (?:database|server|instance|bucket|elasticsearch|mongodb)|leaked|unauthori[sz]ed access|pay[- ]or[- ]leak|extortion|ransomware (?:attack|gang|group)(?:[^.]|\.(?=\d)){0,80}\b(?:data|stole|leak)|cyber[- ]?attack(?:[^.]|\.(?=\d)){0,80}\b(?:data|information|records)|security incident)\b|유출|해킹|침해 ?사고|개인정보 ?침해|漏洩|漏えい|流出|不正アクセス|fuites? de données|données (?:volées|piratées|dérobées)|piratage|cyberattaque|violation de données|datenleck|datenpanne|datendiebstahl|datenklau|hackerangriff|gehackt|filtraci[óo]n|brecha de (?:datos|seguridad)|hackeo|robo de datos|ciberataque|violazione dei dati|furto di dati|attacco informatico|vazamento de dados/i;
// Attacks that need a data cue before they count as a breach.
const BREACH_WEAK =
  /\b(?:cyber[- ]?attack|cyber-?intrusion|hack(?:ed|ing)?|ransomware|malware|intrusion|incident|lost|stole|stolen|exposed|released|accessed)\b|사이버 ?공격|ランサムウェア|サイバー攻撃|cyberangriff/i;
const DATA_CUE =
  /\b(?:data|information|records|details|database|personal|customers?|users?|accounts|patients?|members|subscribers|employees|passwords|email addresses|numbers)\b|개인정보|個人情報|données|daten|datos|dati|dados/i;
const DDOS = /\b(?:ddos|denial[- ]of[- ]service|knocked offline|defaced|outage)\b/i;

// A sanction that happened or is announced against someone.
const PENALTY_EVENT =
  /\b(?:fined|fining|fines? (?:of|was|were|is|issued|imposed|totall?ing|worth|against|on|for|by|amounting)|(?:a|the|record|gdpr|its|this|second|original|initial|total|administrative|civil|monetary|hefty|largest|biggest|first|million|billion|bn|mn|m|\d+) fines?\b|(?:issued|imposed|levied|slapped|handed)\b[^.]{0,60}\b(?:fines?|penalt(?:y|ies)|sanctions?)|penalt(?:y|ies) (?:of|on|against|totall?ing|worth)|(?:civil|monetary|administrative) penalty|ordered (?:\w+ ){0,3}to pay|agree[sd]? to pay|to pay (?:a |an )?(?:\$|€|£|¥|₩|us\$|a\$|c\$|rs|krw|usd|eur|gbp)|settle[sd]? (?:charges|allegations|claims)|(?:reach(?:es|ed)?|announce[sd]?|agree[sd]?)\b[^.]{0,30}\bsettlement|settlement (?:of|with|worth)|sanction(?:s|ed|ing)? (?:on |against )?(?=[A-Z])|sanctioned|penali[sz]ed|notice of intent|intends? to fine|intention to fine|plans? to fine|proposed (?:a )?fine|warned (?:\w+ ){0,3}(?:or|of) (?:a )?(?:fine|penalty)|incur (?:a |e )?penalty|(?:finali[sz]e[sd]?|issue[sd]?|approve[sd]?|enter(?:s|ed)? into) (?:an? |its )?(?:proposed )?(?:consent )?order (?:with|against)|consent (?:order|decree)|(?:seeks?|seeking|proposes?|proposed|intends?|plans?|faces?) (?:a |an )?(?:[\w$€£¥₩.]+ ){0,3}(?:fine|penalty))\b|과징금|과태료|벌금|제재|課徴金|制裁金|罰金|行政処分|amende|sanctionn[ée]|condamn[ée]|bu(?:ß|ss)geld|strafe verh[äa]ngt|multa(?:do|da)?\b|sanci[óo]n(?:ada|ó)?|sanzion(?:e|ato|ata)/i;
// The same words in roundups and explainers: counts of fines, "fines up to".
const PENALTY_ROUNDUP =
  /\b\d+ (?:multas|fines|sanctions|amendes|bußgelder|bussgelder|sanciones|procedimientos)\b|\b(?:fines|sanctions|amendes|multas|sanciones) (?:rgpd|gdpr)\b|nivel de multas|lo que debes saber|^(?:fines|bußgelder|bussgelder|amendes|multas|sanciones|sanctions) (?:under|nach|selon|según|for|in)\b/i;

// Fines that are not about privacy or data handling.
const NON_PRIVACY =
  /\b(?:antitrust|anti-trust|anti-competitive|anticompetitive|competition (?:law|authority|commission|watchdog|regulator)|market dominance|dominant (?:market )?position|abus(?:e|ing|ed) (?:of )?(?:its )?(?:market )?dominan|monopol|money laundering|\baml\b|sanctions evasion|cartel|price[- ]fixing|tax evasion|bribery|emissions|fair trade commission|fair trading)\b|공정거래|공정위|独占禁止|concurrence|kartell|wettbewerb|competencia/i;
const STRONG_PRIVACY =
  /\b(?:gdpr|rgpd|dsgvo|data protection|personal (?:data|information)|privacy|data breach|leak|pipa|hipaa|ccpa|consent|cookies?)\b|개인정보|個人情報|données personnelles|datenschutz|datos personales/i;
const PRIVACY =
  /\b(?:data|privacy|personal|cnil|pipc|aepd|garante|edpb|ico|dpc|oaic|datenschutzbehörde|e-?mails?|recipients|dpa|dpo|data subjects?|controller|processor|processing|surveillance|cctv|cameras?|marketing|cold[- ]call(?:s|ed|ing)?|spam|access request|gdpr|rgpd|dsgvo|pipa|pipl|hipaa|ccpa|coppa|breach|leak|consent|cookies?|tracking|surveillance|biometric|cyber(?:security)?|incident reporting|information security)\b|개인정보|個人情報|données|datenschutz|daten|datos|dati|dados/i;
const CLASS_ACTION = /\bclass[- ]action\b|집단소송|集団訴訟|action de groupe|sammelklage|demanda colectiva/i;

const POLICY_NOUN =
  /\b(?:law(?! enforcement| firm)|laws|bill|bills|regulations?|rules?|rulemaking|nprm|directive|guidance|guidelines?|framework|amendments?|legislation|code of (?:practice|conduct)|standard contractual clauses|adequacy decision|executive order|ordinance|decree|statute|requirements?|obligations?|procedural regulation)\b|법안|개정안|법률|시행령|가이드라인|지침|법\b|法案|法律|改正|ガイドライン|指針|規則|報告義務|\bloi\b|projet de loi|décret|règlement|gesetz|verordnung|richtlinie|\bley\b|reglamento|proyecto de ley|decreto|directiva/i;
const POLICY_ACT = /\bActs?\b|\bNPRM\b/;
/**
 * A directive to change the rules: "orders tougher penalties", Korean 강화 방안 마련 / 대책 지시.
 * Policy even when the text names fines, as long as no fine is imposed on anyone.
 */
const POLICY_DIRECTIVE =
  /\b(?:order(?:s|ed)?|call(?:s|ed)? for|urge[sd]?|vow(?:s|ed)?|push(?:es|ed)? for|demand(?:s|ed)?)\b[^.]{0,40}\b(?:tough(?:er)?|strong(?:er)?|harsh(?:er)?|stiff(?:er)?|new|punitive)\b[^.]{0,20}\b(?:penalt(?:y|ies)|fines|rules|measures|sanctions|damages|regulations?)\b|(?:강화|개선|재발 ?방지)\s*(?:방안|대책)|징벌적 ?(?:손해배상|과징금)[^.]{0,30}(?:도입|강화|추진|마련|검토)|(?:방안|대책)[^.]{0,10}(?:마련|지시|주문|촉구)/i;
const POLICY_ACTION =
  /\b(?:pass(?:ed|es)?|approv(?:ed|es|al)|adopt(?:ed|s|ion)|enact(?:ed|s)?|propos(?:ed|es|al)|publish(?:ed|es)|issu(?:ed|es)|introduc(?:ed|es)|signs?|signed|take effect|takes effect|into force|into effect|amend(?:ed|s)|finali[sz](?:ed|es)|releas(?:ed|es)|provisional agreement|deal on|vot(?:ed|es)|ratif(?:ied|ies)|unveil(?:ed|s)|codify|codif(?:ied|ies)|mandat(?:ed|es)|requires?|establish(?:es)?|posted)\b|통과|의결|시행|발의|공포|마련|成立|施行|可決|公布|adopt[ée]|vot[ée]|promulgu|verabschiedet|beschlossen|in kraft|aprob[óa]|entra en vigor/i;
const POLICY_TOPIC =
  /\b(?:data|privacy|personal information|gdpr|rgpd|dsgvo|cyber|incident|breach|ransom|security)\b|개인정보|個人情報|漏えい|données|datenschutz|datos/i;

// Explainers, guides, roundups, reports, funding news: about the topic, not an event.
const GENERIC_TITLE =
  /^(?:what|why|how|should|when|where|which|who|can|will|is|are|do|does)\b|\b(?:guide|tips|explained|lessons|best practices|everything you need|complete guide|checklist|report shows|investigations report|statistics|top \d+|\d+ (?:ways|steps|things|tips|examples|lessons|biggest|largest|worst))\b|(?:^|[ :])(?:anatomía|todo lo que|cómo|qué|comment|pourquoi|quels|quelles|incontournables|überblick|welle|serie)\b|事例|対策|とは|방법|란\?|どんな|\?$/i;
const GENERIC_STRONG =
  /^(?:what is|what are|why|how to|how can|how do|should)\b|\b(?:guide|tips|best practices|everything you need|report shows|investigations report|so many)\b|anatomía|todo lo que|welle|事例|対策|とは|どんな/i;
// Explainer ledes when there is no headline ("guide" alone is too common: "restaurant guide website").
const GENERIC_LEDE =
  /^(?:what is|what are|how to|how can|why)\b|\b(?:this|our|a|the complete) guide (?:to|for)\b|\beverything you need to know\b/i;
const NON_EVENT =
  /\b(?:raises? \$|funding round|series [a-e]\b|valuation|valued at|acquisition of|acquires?|acquired|completes? acquisition|ipo\b|patch tuesday|zero-days?|vulnerabilit(?:y|ies)|cves?\b|product launch|launches)\b/i;

const BUSINESS_DEAL =
  /\b(?:acquisition|acquire[sd]?|merger|valuation|funding|investment round|buyout|takeover)\b/i;

// Headline verbs that need case: "SEC Fines Altaba", "regulator fines Acme" (but not "fines up to").
const PENALTY_VERB_CS = /\b(?:[Ff]ines|FINES|[Ss]anctions|[Pp]enali[sz]es|[Ss]laps) (?:[A-Z]|[a-z]+[A-Z])/;

/** Result of classification, with the sentence that decided it. */
export interface KindResult {
  kind: Kind;
  evidence: Evidence | null;
}

function firstMatchEvidence(ctx: DocContext, re: RegExp): Evidence | null {
  // One search over the head, then map the offset back to its field and sentence.
  const m = re.exec(ctx.head);
  if (m === null) return null;
  const titleLength = ctx.title.text.length;
  const field = m.index < titleLength ? ctx.title : ctx.summary;
  const at = m.index < titleLength ? m.index : m.index - titleLength - 1;
  const sentence = field.sentences.find((s) => at >= s.start && at < s.end + 1);
  return { field: field.name, text: (sentence?.text ?? field.text).slice(0, 300) };
}

/** True when a money amount that is not a cap sits in the same sentence as a sanction word. */
function hasSanctionAmount(ctx: DocContext): boolean {
  for (const field of [ctx.title, ctx.summary]) {
    for (const money of field.money) {
      if (money.capped) continue;
      const s = field.sentences.find((x) => money.start >= x.start && money.start < x.end);
      if (s && PENALTY_EVENT.test(s.text)) return true;
    }
  }
  return false;
}

/** Memoises a boolean test so each keyword family runs at most once, and only when the decision needs it. */
function lazy(test: () => boolean): () => boolean {
  let value: boolean | undefined;
  return () => {
    value ??= test();
    return value;
  };
}

/** Classifies a prepared document. */
export function classifyKind(ctx: DocContext): KindResult {
  const all = ctx.head;
  const title = ctx.title.text;
  const genericTitle = lazy(() => title.length > 0 && GENERIC_TITLE.test(title));
  const genericStrong = lazy(
    () =>
      GENERIC_STRONG.test(title) || (title.length === 0 && GENERIC_LEDE.test(ctx.summary.text.slice(0, 200))),
  );
  const penaltyEvent = lazy(() => PENALTY_EVENT.test(all) || PENALTY_VERB_CS.test(all));
  const roundup = lazy(() => PENALTY_ROUNDUP.test(all));
  const nonPrivacy = lazy(() => NON_PRIVACY.test(all));
  const privacy = lazy(() => PRIVACY.test(all));
  const strongPrivacy = lazy(() => STRONG_PRIVACY.test(all));
  const breachStrong = lazy(() => BREACH_STRONG.test(all));
  const breachWeak = lazy(
    () => !breachStrong() && BREACH_WEAK.test(all) && DATA_CUE.test(all) && !DDOS.test(all),
  );
  const policyNoun = (text: string): boolean => POLICY_NOUN.test(text) || POLICY_ACT.test(text);
  const policy = lazy(() => policyNoun(all) && POLICY_ACTION.test(all) && POLICY_TOPIC.test(all));
  const lede = title.length > 0 ? title : (ctx.summary.sentences[0]?.text ?? '');
  const policyLede = lazy(() => policyNoun(lede) && POLICY_ACTION.test(lede) && POLICY_TOPIC.test(all));
  const sanctionAmount = lazy(() => hasSanctionAmount(ctx));
  const explicitFine = lazy(() => /\bfined\b|부과받|부과했/i.test(all));

  if (
    penaltyEvent() &&
    nonPrivacy() &&
    !(strongPrivacy() && !/antitrust|dominan|laundering|competition/i.test(title))
  ) {
    return { kind: 'other', evidence: firstMatchEvidence(ctx, NON_PRIVACY) };
  }
  if ((policyLede() || POLICY_DIRECTIVE.test(lede)) && !sanctionAmount() && !explicitFine()) {
    return { kind: 'policy', evidence: firstMatchEvidence(ctx, POLICY_ACTION) };
  }
  if (penaltyEvent() && !roundup() && (privacy() || breachStrong()) && !genericStrong()) {
    const businessDeal =
      BUSINESS_DEAL.test(all) && !/\bfined\b|penalt|sanction|regulator|watchdog/i.test(all);
    const classActionOnly =
      CLASS_ACTION.test(all) &&
      !sanctionAmount() &&
      !/\bfined\b|과징금|regulator|commission|authority/i.test(all);
    if (!businessDeal && !classActionOnly)
      return { kind: 'penalty', evidence: firstMatchEvidence(ctx, PENALTY_EVENT) };
  }
  if (genericStrong() || (penaltyEvent() && roundup())) return { kind: 'other', evidence: null };
  if (breachStrong() || breachWeak()) {
    const onlyVulnerability = !breachStrong() && NON_EVENT.test(all);
    if (!onlyVulnerability && !(genericTitle() && !breachStrong()) && !(!breachStrong() && policy())) {
      return {
        kind: 'breach',
        evidence: firstMatchEvidence(ctx, breachStrong() ? BREACH_STRONG : BREACH_WEAK),
      };
    }
  }
  if (policy()) return { kind: 'policy', evidence: firstMatchEvidence(ctx, POLICY_ACTION) };
  return { kind: 'other', evidence: null };
}
