import { describe, expect, it } from 'vitest';
import { EXTRACTOR_VERSION, extractFacts } from '../../functions/extract/extract.ts';
import { DATA_TYPES, type ExtractInput, KINDS } from '../../functions/extract/types.ts';

const facts = (title: string, summary = '', extra: Partial<ExtractInput> = {}) =>
  extractFacts({ title, summary, ...extra });

describe('kind', () => {
  it.each([
    ['Acme confirms data breach affecting 2 million customers', '', 'breach'],
    ['', 'Hackers stole the names and addresses of 40,000 Zenith Bank customers last week.', 'breach'],
    ['Ransomware gang claims it stole data from Northwind Logistics', '', 'breach'],
    ['Acme fined €2 million over GDPR violations', '', 'penalty'],
    ['', 'The CNIL imposed a fine of €150,000 on Contoso for failing to secure customer data.', 'penalty'],
    ['FTC sanctions Fabrikam for deceptive privacy practices', '', 'penalty'],
    ['National Assembly passes amendment to personal data protection law', '', 'policy'],
    [
      'Regulator publishes new guidance on breach notification requirements for data controllers',
      '',
      'policy',
    ],
    [
      'Critical vulnerability in VPN appliances under active exploitation',
      'Attackers exploit a zero-day flaw; patches are available.',
      'other',
    ],
    ['Globex raises $50M to build AI security platform', '', 'other'],
    [
      'Regulator fines Initech $1 billion for abusing market dominance',
      'The antitrust authority said Initech abused its dominant position.',
      'other',
    ],
    ['How to protect your personal data online', 'A guide to passwords and privacy settings.', 'other'],
    [
      'Government websites down after DDoS attack',
      'Several sites were knocked offline by a cyber attack.',
      'other',
    ],
  ])('%s %s -> %s', (title, summary, kind) => {
    expect(facts(title, summary).kind).toBe(kind);
  });

  it('reads Korean breach and penalty headlines', () => {
    expect(facts('가나전자, 고객 120만명 개인정보 유출', '', { lang: 'ko' }).kind).toBe('breach');
    expect(facts('개인정보 유출한 가나전자에 과징금 30억원 부과', '', { lang: 'ko' }).kind).toBe('penalty');
  });
});

describe('organization', () => {
  it.each([
    ['Acme Corp confirms data breach affecting 2 million customers', '', 'Acme Corp'],
    ["South Korea's Hanbit Mart suffers data breach", '', 'Hanbit Mart'],
    ['Data breach at Northwind Traders exposes 40,000 customers', '', 'Northwind Traders'],
    ['SEC fines Fabrikam $10 million over breach disclosure', '', 'Fabrikam'],
    [
      '',
      'In March 2026, the online furniture retailer Woodgrove Home suffered a data breach that exposed 120k email addresses.',
      'Woodgrove Home',
    ],
    [
      '',
      'Contoso, the country’s largest insurer, has confirmed a data breach affecting 3 million policyholders.',
      'Contoso',
    ],
    [
      '',
      'The Information Commissioner’s Office has fined Tailspin Toys £500,000 for failing to secure customer data.',
      'Tailspin Toys',
    ],
  ])('%s %s -> %s', (title, summary, org) => {
    expect(facts(title, summary).organization).toBe(org);
  });

  it('never names the regulator or the outlet', () => {
    const f = facts(
      '',
      'The Personal Information Protection Commission fined Daehan Telecom 3 billion won for a data leak.',
      {
        url: 'https://www.dailynews.example/story',
      },
    );
    expect(f.organization).toBe('Daehan Telecom');
  });

  it('reads Korean headlines', () => {
    expect(facts('개인정보 유출한 가나전자에 과징금 30억원 부과', '', { lang: 'ko' }).organization).toBe(
      '가나전자',
    );
  });

  it('is null for kinds without an affected party', () => {
    expect(facts('How to protect your personal data online').organization).toBeNull();
  });
});

describe('country', () => {
  it.each([
    ['The PIPC fined Daehan Telecom 3 billion won for a data leak', '', 'KR'],
    ['ICO fines Tailspin Toys £500,000', '', 'GB'],
    ['CNIL fines Contoso €150,000 over cookies', '', 'FR'],
    ['Australian retailer Woodgrove confirms data breach', '', 'AU'],
    [
      'EDPB adopts guidelines on breach notification',
      'The European Data Protection Board adopted new guidelines.',
      'EU',
    ],
    ['Japanese publisher Hoshino suffers ransomware attack, data stolen', '', 'JP'],
  ])('%s -> %s', (title, summary, country) => {
    expect(facts(title, summary).country).toBe(country);
  });

  it('does not take the attackers’ country', () => {
    expect(
      facts(
        'North Korean hackers stole data of 1 million Hanbit Mart customers',
        'South Korean police said the breach hit Seoul-based Hanbit Mart.',
      ).country,
    ).toBe('KR');
  });

  it('uses the source country and the script as priors', () => {
    expect(facts('Acme confirms data breach', '', { sourceCountry: 'ca', lang: 'en' }).country).toBe('CA');
    expect(facts('가나전자 개인정보 유출', '', { lang: 'ko' }).country).toBe('KR');
  });
});

describe('data types', () => {
  it('maps prose and skips negated clauses', () => {
    const f = facts(
      '',
      'Acme confirmed a data breach that exposed names, email addresses, phone numbers, dates of birth and shipping addresses, though payment details and passwords were not affected.',
    );
    expect(f.dataTypes).toEqual(['email', 'phone', 'name', 'address', 'date_of_birth']);
  });

  it('maps identifiers, cards and health data', () => {
    const f = facts(
      '',
      'Hackers stole Social Security numbers, credit card numbers, IP addresses and medical records of Acme patients.',
    );
    expect(f.dataTypes).toEqual(
      expect.arrayContaining(['national_id', 'payment_card', 'ip_address', 'health']),
    );
    expect(f.dataTypes).not.toContain('address');
  });

  it('maps register labels and ignores storage locations', () => {
    const f = extractFacts({
      title: 'Acme',
      structured: {
        kind: 'breach',
        dataTypeLabels: [
          'Email addresses',
          'Passwords',
          'Geographic locations',
          "Driver's License",
          'Network Server',
          'Paper/Films',
          'Spoken languages',
        ],
      },
    });
    expect(f.dataTypes).toEqual(['email', 'password', 'location', 'government_id_document', 'other']);
  });
});

describe('structured hints win over prose', () => {
  it('uses every hint', () => {
    const f = extractFacts({
      title: 'Beta Corp confirms data breach affecting 5 million customers',
      summary: 'Beta Corp said 5 million customers in Canada were affected.',
      structured: {
        organization: 'Beta Corporation',
        affected: { count: 5_123_456, unit: 'people', approximate: false },
        country: 'US',
        kind: 'breach',
        occurredAt: '2026-01-02',
        discoveredAt: '2026-02-03',
        disclosedAt: '2026-03-04T10:00:00Z',
      },
    });
    expect(f.organization).toBe('Beta Corporation');
    expect(f.affected).toEqual({ count: 5_123_456, unit: 'people', approximate: false });
    expect(f.country).toBe('US');
    expect(f.dates).toEqual({ occurred: '2026-01-02', discovered: '2026-02-03', disclosed: '2026-03-04' });
    expect(f.evidence.affected?.field).toBe('structured');
  });

  it('uses a structured penalty even when prose states another amount', () => {
    const f = extractFacts({
      title: 'Gamma fined $1 million',
      structured: {
        kind: 'penalty',
        penalty: { amount: 1_250_000, currency: 'USD', authority: 'FTC', status: 'final' },
      },
    });
    expect(f.penalty).toEqual({ amount: 1_250_000, currency: 'USD', authority: 'FTC', status: 'final' });
  });
});

describe('dates and evidence', () => {
  it('reads stated dates with their role', () => {
    const f = facts(
      '',
      'Acme detected the intrusion on April 19, 2025 and announced the data breach on May 2, 2025.',
    );
    expect(f.dates.discovered).toBe('2025-04-19');
    expect(f.dates.disclosed).toBe('2025-05-02');
  });

  it('carries evidence for each value', () => {
    const f = facts(
      'Acme fined £20m over data breach',
      'Acme has been fined £20m by the ICO for a breach that affected 400,000 customers.',
    );
    expect(f.evidence.kind?.text).toContain('fined');
    expect(f.evidence.penalty?.text).toContain('£20m');
    expect(f.evidence.affected?.text).toContain('400,000');
    expect(f.extractorVersion).toBe(EXTRACTOR_VERSION);
  });
});

describe('robustness', () => {
  const shapeOk = (f: ReturnType<typeof extractFacts>): void => {
    expect(KINDS).toContain(f.kind);
    expect(f.affected === null || f.affected.count > 0).toBe(true);
    for (const t of f.dataTypes) expect(DATA_TYPES).toContain(t);
  };
  const binary = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode((i * 7919) % 65_536)).join('');

  it.each([
    ['empty', ''],
    ['1 MB of letters', 'a'.repeat(1_000_000)],
    ['100k ones', '1'.repeat(100_000)],
    ['a, repeated', 'a,'.repeat(50_000)],
    ['1, repeated', '1,'.repeat(50_000)],
    ['1. repeated', '1.'.repeat(50_000)],
    ['1- repeated', '1-'.repeat(50_000)],
    ['digits and spaces', '1 '.repeat(100_000)],
    ['capitalised words', 'Foo Bar '.repeat(100_000)],
    ['binary', binary],
    ['mixed scripts', '쿠팡 3천만 명 漏洩 2,300万人 €1.2bn $5 million Ёжик ٣٤٥ '.repeat(5_000)],
    ['possessives', "Acme's ".repeat(50_000)],
    ['brackets', '(['.repeat(50_000)],
  ])('returns a result for %s', (_name, text) => {
    shapeOk(facts(text.slice(0, 10_000), text));
  });

  it('tolerates wrong types', () => {
    const odd = {
      title: 42,
      summary: { a: 1 },
      url: [],
      lang: null,
      structured: 'x',
    } as unknown as ExtractInput;
    shapeOk(extractFacts(odd));
    shapeOk(extractFacts(undefined as unknown as ExtractInput));
  });
});
