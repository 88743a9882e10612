/**
 * Approximate euros per unit of currency, used only to ORDER events by penalty size across
 * currencies (the `sort=penalty` index). They are rounded 2025 averages, good to a few per
 * cent — enough to rank fines, not to report them. Reported conversions use the documented
 * monthly reference table of the research export.
 */
const EUR_PER_UNIT: Record<string, number> = {
  EUR: 1,
  USD: 0.9,
  GBP: 1.18,
  KRW: 0.00065,
  JPY: 0.006,
  CNY: 0.125,
  AUD: 0.59,
  CAD: 0.65,
  CHF: 1.05,
  SGD: 0.68,
  HKD: 0.115,
  INR: 0.0105,
  BRL: 0.16,
  PLN: 0.235,
  SEK: 0.087,
  NOK: 0.085,
  DKK: 0.134,
  TRY: 0.024,
  NZD: 0.54,
  ZAR: 0.05,
  MXN: 0.047,
  TWD: 0.028,
  HUF: 0.0025,
  CZK: 0.04,
  RON: 0.2,
};

/** An approximate EUR amount for ranking, or null for a currency not in the table. */
export function approximateEur(amount: number, currency: string): number | null {
  const rate = EUR_PER_UNIT[currency.toUpperCase()];
  return rate === undefined ? null : amount * rate;
}
