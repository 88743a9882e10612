import { MONTHLY_RATES_SOURCE, MONTHLY_USD_RATES_CSV } from './monthly-rates-data.ts';

/**
 * Reported currency conversions for the research export: a penalty in EUR and USD at a MONTHLY
 * reference rate shipped with the project (`monthly-rates-data.ts`, provenance in
 * docs/DATASET.md). Unlike `approximateEur` (ranking only), every value here says which month's
 * rate it used, and an unknown rate is null, never a guess.
 */

/**
 * How many months a rate may be carried forward past the last month the table has for a
 * currency. Enough to bridge the lag between table refreshes; beyond it a converted amount would
 * be quietly wrong (the EUR/USD rate moved ~10 % in 2025), so it is left unknown instead.
 */
export const MAX_CARRY_FORWARD_MONTHS = 3;

/** Converted values keep three significant figures: a monthly average is good to a few per cent. */
export const CONVERTED_SIGNIFICANT_FIGURES = 3;

export interface Conversion {
  /** The amount in euros, or null when no rate is known for that currency and month. */
  eur: number | null;
  usd: number | null;
  /** The month (`YYYY-MM`) of the rate actually used; null when none was. */
  rateMonth: string | null;
}

interface RateTable {
  /** Units of each currency per 1 USD, by month then currency. */
  perUsd: Map<string, Map<string, number>>;
  firstMonth: string;
  lastMonth: string;
  currencies: string[];
}

let table: RateTable | null = null;

function rateTable(): RateTable {
  if (table) return table;
  const lines = MONTHLY_USD_RATES_CSV.trim().split('\n');
  const [header = '', ...rows] = lines;
  const currencies = header.split(',').slice(1);
  const perUsd = new Map<string, Map<string, number>>();
  for (const line of rows) {
    const [month = '', ...cells] = line.split(',');
    const rates = new Map<string, number>([['USD', 1]]);
    cells.forEach((cell, index) => {
      const currency = currencies[index];
      if (currency && cell !== '') rates.set(currency, Number(cell));
    });
    perUsd.set(month, rates);
  }
  const months = [...perUsd.keys()].sort();
  table = { perUsd, firstMonth: months[0] ?? '', lastMonth: months.at(-1) ?? '', currencies };
  return table;
}

/** What the export's metadata says about the rate table. */
export function rateTableInfo() {
  const { firstMonth, lastMonth, currencies } = rateTable();
  return {
    ...MONTHLY_RATES_SOURCE,
    firstMonth,
    lastMonth,
    currencies: ['USD', ...currencies],
    maxCarryForwardMonths: MAX_CARRY_FORWARD_MONTHS,
    significantFigures: CONVERTED_SIGNIFICANT_FIGURES,
  };
}

function shiftMonth(month: string, delta: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The month whose table row has a rate for `currency`: `month` itself, else the latest earlier
 * month within MAX_CARRY_FORWARD_MONTHS. Never a later month: a rate from after the fact would
 * not be a reference the decision could have used.
 */
function monthWithRate(currency: string, month: string): string | null {
  const { perUsd } = rateTable();
  for (let back = 0; back <= MAX_CARRY_FORWARD_MONTHS; back++) {
    const candidate = shiftMonth(month, -back);
    const rates = perUsd.get(candidate);
    if (rates?.has(currency) && rates.has('EUR')) return candidate;
  }
  return null;
}

/** Rounds to `figures` significant figures (0 stays 0). */
export function roundSignificant(value: number, figures: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(figures));
}

/**
 * Converts an amount in `currency` to EUR and USD at the monthly rate of `month` (`YYYY-MM`,
 * or any ISO date whose month is used). The amount in its own currency is returned exactly; a
 * converted one is rounded to three significant figures. Cross rates go through USD, the
 * table's base, on the same month for both legs.
 */
export function convertAtMonthlyRate(amount: number, currency: string, month: string): Conversion {
  const unknown: Conversion = { eur: null, usd: null, rateMonth: null };
  const code = currency.trim().toUpperCase();
  const targetMonth = month.slice(0, 7);
  if (!Number.isFinite(amount) || !/^[A-Z]{3}$/.test(code) || !/^\d{4}-\d{2}$/.test(targetMonth))
    return unknown;
  const used = monthWithRate(code, targetMonth);
  if (!used) return unknown;
  const rates = rateTable().perUsd.get(used)!;
  const perUsd = rates.get(code)!;
  const eurPerUsd = rates.get('EUR')!;
  const usd = code === 'USD' ? amount : roundSignificant(amount / perUsd, CONVERTED_SIGNIFICANT_FIGURES);
  const eur =
    code === 'EUR' ? amount : roundSignificant((amount / perUsd) * eurPerUsd, CONVERTED_SIGNIFICANT_FIGURES);
  return { eur, usd, rateMonth: used };
}
