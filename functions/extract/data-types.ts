/**
 * Maps what a text says was exposed into the controlled vocabulary (DATA_TYPES), from prose in
 * several languages and from native register labels (HIBP DataClasses, state AG information
 * types). Prose is read clause by clause: a clause with a negation ("payment details were not
 * affected") contributes nothing, and only clauses that talk about data being exposed count.
 */
import type { DocContext } from './context.ts';
import type { DataType, Evidence } from './types.ts';

type Rule = readonly [DataType, RegExp];

// Order matters only for readability; every rule is tested.
const RULES: readonly Rule[] = [
  [
    'email',
    /\be-?mails?(?: and [a-z]+)? addresses\b|\be-?mail address\b|\be-?mails\b|\be-?mail(?=,| and | or )|\be-?mail ids?\b|이메일|メールアドレス|adresses? (?:e-?mail|électroniques?)|courriels?|e-mail-adressen|correos? electr[oó]nicos?/i,
  ],
  [
    'phone',
    /\b(?:(?:mobile |cell |tele)?phone|mobile|cell|contact) numbers?\b|\bphone(?=,| and | or )|\bmsisdn\b|전화번호|휴대폰 ?번호|연락처|電話番号|numéros? de téléphone|téléphone|telefonnummern?|tel[eé]fonos?/i,
  ],
  [
    'name',
    /\b(?:full|first|last|real|customer|sur|given|family)[ -]?names?\b|(?<!screen |user |domain |brand |file |host |company |display |product |publication )\bnames\b|이름|성명|氏名|名前|\bnoms?\b|identité|\bnamen?\b|\bnombres?\b/i,
  ],
  [
    'address',
    /\b(?:physical|shipping|delivery|home|postal|mailing|street|billing|residential|detailed) addresses?\b|(?<!e-?mail |ip |email and |e-?mail and |web |mac |wallet |ip and )\baddress(?:es)?\b(?! (?:of|to|the|concerns|issues|book|this|these|that|it|them))|\bpostcodes?\b|주소|住所|adresses? postales?|\badresse\b|anschriften?|direcci[oó]n(?:es)? postal(?:es)?/i,
  ],
  [
    'date_of_birth',
    /\b(?:dates? of birth|birth ?dates?|birthdays?|dobs?)\b|생년월일|生年月日|dates? de naissance|geburtsdaten|geburtsdatum|fechas? de nacimiento/i,
  ],
  [
    'national_id',
    /\b(?:social security(?: numbers?)?|ssns?|national (?:id|identity|identification|insurance|registration identity card)(?: numbers?| cards?)?|identity card numbers?|id card numbers?|resident registration numbers?|personal identification numbers?|nric|aadhaar|tax (?:id|identification|file) numbers?|tfns?|rfc \(tax\)|sin numbers?|id numbers?|medicaid ids?|citizen ids?)\b|주민등록번호|주민번호|マイナンバー|num[ée]ro de s[ée]curit[ée] sociale|sozialversicherungsnummer|dni\b|nir\b/i,
  ],
  [
    'password',
    /\bpasswords?\b|\bpassword hashes\b|\blogin credentials\b|\bcredentials\b|비밀번호|パスワード|mots? de passe|passw[öo]rter|contrase[ñn]as?/i,
  ],
  [
    'payment_card',
    /\b(?:credit|debit|payment|bank|charge)[- ]cards?\b(?! (?:issuers?|company|companies|firms?|providers?|operators?|business|unit|industry|sector))|\bcvv\b|\bcvc\b|\bexpir(?:y|ation) dates?\b|카드 ?번호|신용카드|カード番号|クレジットカード|cartes? bancaires?|kreditkarten?|tarjetas? de cr[eé]dito/i,
  ],
  // Case-sensitive on purpose: "Lotte Card data" is a company name, "card data" is not.
  [
    'payment_card',
    /\bcard (?:numbers?|details|data|information)\b|\bCard (?:Numbers|Details|Data)\b(?! Breach)/,
  ],
  [
    'bank_account',
    /\bbank(?:ing)? (?:account|details)(?: numbers?)?\b|\biban\b|\baccount numbers?\b|\brouting numbers?\b|\bsort codes?\b|계좌 ?번호|口座番号|coordonn[ée]es bancaires|rib\b|bankverbindung|kontonummer|cuentas? bancarias?/i,
  ],
  [
    'health',
    /\b(?:medical|health|clinical|diagnos[ie]s|diagnostic|prescriptions?|medications?|medicines?|treatment|lab results|phi|e-phi|protected health|health insurance|insurance claims?|claim information|medical conditions)\b(?! (?:insurer|insurance company|care provider|system|service|services|organi[sz]ation|authority|ministry|group|network|provider|sector))|진료|의료|건강|病歴|診療|医療|données de santé|dossiers? médica|gesundheitsdaten|datos (?:de salud|médicos)/i,
  ],
  [
    'location',
    /\b(?:geo-?locations?|geographic locations?|locations? data|gps (?:data|coordinates|locations?)|latitudes? and longitudes?|geolocation|cit(?:y|ies) of residence|whereabouts|location (?:data|information|history))\b|위치 ?정보|位置情報|géolocalisation/i,
  ],
  ['ip_address', /\bip(?: and \w+)? addresses\b|\bip address\b|\bips\b|ip 주소|IPアドレス|adresses? ip/i],
  [
    'order_history',
    /\b(?:order|purchase|shopping|transaction|booking|payment) (?:histor(?:y|ies)|records|details|logs)\b|\bpurchases\b|\border(?:s| information| data)\b|주문 ?내역|구매 ?내역|購入履歴|historique d'achats?/i,
  ],
  [
    'biometric',
    /\b(?:biometric|fingerprints?|facial (?:images|recognition|scans?|data)|face ?prints?|iris scans?|voice ?prints?)\b|생체 ?정보|지문|生体情報|指紋|biom[ée]triques?/i,
  ],
  [
    'username',
    /\buser ?names?\b|\bscreen names?\b|\buser ids?\b|\bhandles\b|\baliases\b|\blogin ids?\b|\bidentifiant\b|아이디|ユーザー名|benutzernamen?|nombres? de usuario/i,
  ],
  ['gender', /\bgenders?\b|\bsex\b|성별|性別|\bsexe\b|geschlecht|g[ée]nero/i],
  [
    'employment',
    /\b(?:job titles?|employers?|employment (?:history|details|information)|occupations?|salary|salaries|payroll|work history|company names?)\b|직장|직업|勤務先|employeur|arbeitgeber/i,
  ],
  [
    'financial',
    /\b(?:financial (?:information|details|data|records)|credit (?:scores?|histor(?:y|ies)|information|reports?)|income|bank balances?|balances|tax (?:returns?|records)|loan|wallet balances|crypto(?:currency)? wallets?|investment|salary statements|bank statements)\b|금융 ?정보|신용 ?정보|金融情報|informations? financi[eè]res|finanzdaten|datos financieros/i,
  ],
  [
    'government_id_document',
    /\b(?:passports?|passport numbers?|driver'?s'? licen[cs]es?|driving licen[cs]es?|driver licen[cs]es?|licence numbers?|license numbers?|identity cards?|id cards?|identity documents?|id documents?|government[- ]issued ids?)\b|여권|운전면허|旅券|パスポート|運転免許|permis de conduire|carte d'identit[ée]|passeport|personalausweis|f[üu]hrerschein|pasaportes?/i,
  ],
  [
    'social_media',
    /\bsocial (?:media|network) (?:profiles?|accounts?|links?|handles|ids?|data|information)\b|\b(?:facebook|twitter|instagram|linkedin) (?:profiles?|ids?|accounts?)\b|\bprofile photos?\b/i,
  ],
  [
    'device',
    /\b(?:device (?:ids?|information|identifiers?|details)|imei|imsi|usim|sim card(?: data| information)?|sim data|user agents?|browser (?:information|user agent)|mac addresses?|device)\b|유심|USIM|단말기/i,
  ],
  [
    'education',
    /\b(?:education(?:al)? (?:history|levels?|records|information)|school records|grades|transcripts|degrees?|academic records)\b|학력|学歴/i,
  ],
  [
    'vehicle',
    /\b(?:vehicle (?:registrations?|details|information|identification numbers?)|licen[cs]e plates?|number plates?|vins?|car registrations?)\b|차량 ?번호|車両/i,
  ],
];

// A clause that talks about data being exposed or contained.
const EXPOSURE_CUE =
  /\b(?:includ(?:ed|es|ing)|contain(?:ed|s|ing)?|obtain(?:ed|s)?|exposed?|exposing|leak(?:ed|s)?|stolen|stole|compromised|accessed|obtained|comprised|comprising|consist(?:s|ed|ing)? of|such as|along(?:side)? with|as well as|affected|impacted|taken|published|posted|dumped|revealed|data|information|details|records|fields)\b|유출|노출|포함|漏洩|漏えい|流出|含ま|données|daten|datos|dati/i;
const NEGATION =
  /\b(?:not|no|never|none|neither|nor|without|n't|unaffected|remain(?:s|ed)? (?:secure|safe)|(?:is|are|was|were) safe|ruled out)\b|않|없|아니|\bn(?:e |')[a-zé]+ pas\b|nicht|kein|\bni\b|\bsin\b|sont pas/i;
const CLAUSE_SPLIT =
  /(?<=[.;!?])\s+|,\s*(?:though|although|but|while|however|whereas)\s+|\s+(?:but|however|though|although|whereas)\s+|;\s*/i;

const LABELS: Record<string, DataType | null> = {
  'email addresses': 'email',
  emails: 'email',
  passwords: 'password',
  'password hints': 'password',
  'password hashes': 'password',
  'phone numbers': 'phone',
  'dates of birth': 'date_of_birth',
  'ip addresses': 'ip_address',
  'geographic locations': 'location',
  names: 'name',
  name: 'name',
  usernames: 'username',
  genders: 'gender',
  'physical addresses': 'address',
  'job titles': 'employment',
  employers: 'employment',
  'credit cards': 'payment_card',
  'partial credit card data': 'payment_card',
  'bank account numbers': 'bank_account',
  'social media profiles': 'social_media',
  'device information': 'device',
  'education levels': 'education',
  'vehicle details': 'vehicle',
  'government issued ids': 'government_id_document',
  'passport numbers': 'government_id_document',
  purchases: 'order_history',
  'income levels': 'financial',
  'social security number': 'national_id',
  'social security numbers': 'national_id',
  "driver's license": 'government_id_document',
  "driver's license number": 'government_id_document',
  'financial information': 'financial',
  'medical information': 'health',
  'health insurance information': 'health',
  'account number': 'bank_account',
  'date of birth': 'date_of_birth',
  'electronic medical record': 'health',
  // HHS "Location of Breached Information": where the data sat, not what it was.
  'network server': null,
  email: null,
  'paper/films': null,
  laptop: null,
  'desktop computer': null,
  'other portable electronic device': null,
  other: null,
};
const HHS_LOCATIONS = new Set([
  'network server',
  'email',
  'paper/films',
  'laptop',
  'desktop computer',
  'other portable electronic device',
  'other',
]);

/** Maps native register labels (HIBP DataClasses, state AG types) into the vocabulary. */
export function mapDataTypeLabels(labels: readonly unknown[]): DataType[] {
  const out = new Set<DataType>();
  for (const label of labels.slice(0, 200)) {
    if (typeof label !== 'string') continue;
    const key = label.trim().toLowerCase().slice(0, 120);
    if (key.length === 0) continue;
    if (key in LABELS) {
      const mapped = LABELS[key];
      if (mapped) out.add(mapped);
      continue;
    }
    if (HHS_LOCATIONS.has(key)) continue;
    let matched = false;
    for (const [type, re] of RULES) {
      if (re.test(key)) {
        out.add(type);
        matched = true;
      }
    }
    if (!matched) out.add('other');
  }
  return [...out];
}

/** Reads data types from prose, skipping negated clauses and clauses without an exposure cue. */
export function extractDataTypes(ctx: DocContext): { dataTypes: DataType[]; evidence: Evidence | null } {
  // Keep the clauses that talk about exposed data, then test each rule once on all of them.
  const kept: string[] = [];
  let evidence: Evidence | null = null;
  for (const field of [ctx.title, ctx.summary]) {
    for (const sentence of field.sentences) {
      // Most sentences carry no negation: keep them whole and skip clause splitting.
      const negated = NEGATION.test(sentence.text);
      const clauses = negated ? sentence.text.split(CLAUSE_SPLIT) : [sentence.text];
      for (const clause of clauses) {
        if (clause.length < 6 || !EXPOSURE_CUE.test(clause) || (negated && NEGATION.test(clause))) continue;
        kept.push(clause);
        evidence ??= { field: field.name, text: sentence.text.slice(0, 300) };
      }
    }
  }
  if (kept.length === 0) return { dataTypes: [], evidence: null };
  const text = kept.join('\n');
  const out = new Set<DataType>();
  for (const [type, re] of RULES) if (re.test(text)) out.add(type);
  return { dataTypes: [...out], evidence: out.size > 0 ? evidence : null };
}
