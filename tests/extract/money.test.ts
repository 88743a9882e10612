import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../functions/extract/extract.ts';
import { findMoney } from '../../functions/extract/money.ts';
import { scanNumbers } from '../../functions/extract/numbers.ts';

const money = (text: string, lang = 'en'): Array<[number, string]> =>
  findMoney(text, scanNumbers(text, lang), lang).map((m) => [m.amount, m.currency]);

describe('findMoney', () => {
  it.each([
    ['€1.2bn', 1_200_000_000, 'EUR'],
    ['£20m', 20_000_000, 'GBP'],
    ['$575 million', 575_000_000, 'USD'],
    ['US$5 billion', 5_000_000_000, 'USD'],
    ['U.S. $5 billion', 5_000_000_000, 'USD'],
    ['134.8 billion won', 134_800_000_000, 'KRW'],
    ['1,348억 원', 134_800_000_000, 'KRW'],
    ['1억5천만원', 150_000_000, 'KRW'],
    ['75억400만원', 7_504_000_000, 'KRW'],
    ['₩15 billion', 15_000_000_000, 'KRW'],
    ['KRW 8,375,200,000', 8_375_200_000, 'KRW'],
    ['15.1 bln won', 15_100_000_000, 'KRW'],
    ['A$50m', 50_000_000, 'AUD'],
    ['C$2.5 million', 2_500_000, 'CAD'],
    ['S$750,000', 750_000, 'SGD'],
    ['R$10 million', 10_000_000, 'BRL'],
    ['HK$1 million', 1_000_000, 'HKD'],
    ['¥300 million', 300_000_000, 'JPY'],
    ['2,300万円', 23_000_000, 'JPY'],
    ['CHF 1.5 million', 1_500_000, 'CHF'],
    ['Rs 250 crore', 2_500_000_000, 'INR'],
    ['₹5 crore', 50_000_000, 'INR'],
    ['€11,5 million', 11_500_000, 'EUR'],
    ['10.000 euros', 10_000, 'EUR'],
    ['100.000 EUR', 100_000, 'EUR'],
    ['$35M', 35_000_000, 'USD'],
    ['$177mn', 177_000_000, 'USD'],
    ['€1,022', 1_022, 'EUR'],
    ['1.5 million pounds', 1_500_000, 'GBP'],
    ['3 million dollars', 3_000_000, 'USD'],
    ['100 million yen', 100_000_000, 'JPY'],
    ['10 million yuan', 10_000_000, 'CNY'],
  ])('reads %s', (text, amount, currency) => {
    expect(money(text)).toEqual([[amount, currency]]);
  });

  it.each([
    ['40.000 PLN', 'pl', 40_000, 'PLN'],
    ['2,8 mln zł', 'pl', 2_800_000, 'PLN'],
    ['40 millones de euros', 'es', 40_000_000, 'EUR'],
    ['10 Millionen Euro', 'de', 10_000_000, 'EUR'],
    ['1,5 million d’euros', 'fr', 1_500_000, 'EUR'],
  ])('reads %s in %s', (text, lang, amount, currency) => {
    expect(money(text.replace('’', "'"), lang)).toEqual([[amount, currency]]);
  });

  it('reads won after 과징금 even without 원', () => {
    expect(money('골프존에 과징금 75억 부과', 'ko')).toEqual([[7_500_000_000, 'KRW']]);
  });

  it('is not fooled by the verb "won" or by percentages', () => {
    expect(money('Acme won the case after 3 years; fines of up to 4% of turnover')).toEqual([]);
  });

  it('marks statutory maximums as capped', () => {
    const text = 'the government considers fines up to 1 trillion won';
    expect(findMoney(text, scanNumbers(text, 'en'), 'en')[0]?.capped).toBe(true);
  });
});

describe('penalty extraction', () => {
  const penalty = (title: string, summary = '') => extractFacts({ title, summary, lang: 'en' }).penalty;

  it.each([
    ['British Airways fined £20m over data breach', 20_000_000, 'GBP'],
    ['Regulator fines Acme €1.2bn for unlawful data transfers', 1_200_000_000, 'EUR'],
    ['Acme agrees to pay $575 million settlement over data breach', 575_000_000, 'USD'],
    ['Acme fined 134.8 billion won over personal data leak', 134_800_000_000, 'KRW'],
    ['OAIC seeks A$50m penalty from Acme over privacy breach', 50_000_000, 'AUD'],
  ])('reads the sanction in %s', (title, amount, currency) => {
    expect(penalty(title)).toMatchObject({ amount, currency });
  });

  it('takes the amount a fine was reduced to', () => {
    const p = penalty(
      '',
      'The company was fined for a data breach. The original fine of €60,000 was reduced to €48,000.',
    );
    expect(p).toMatchObject({ amount: 48_000, currency: 'EUR' });
  });

  it('names the authority and the status', () => {
    const p = penalty(
      '',
      "The Information Commissioner's Office has fined Acme £1.5 million for failing to protect personal data.",
    );
    expect(p).toMatchObject({ amount: 1_500_000, currency: 'GBP', authority: 'ICO', status: 'final' });
  });

  it('reports no penalty for a breach story that mentions possible fines', () => {
    const facts = extractFacts({
      title: '',
      summary:
        'A data breach at Acme exposed 3 million customers. The government considers fines up to 1 trillion won.',
    });
    expect(facts.kind).toBe('breach');
    expect(facts.penalty).toBeNull();
  });
});
