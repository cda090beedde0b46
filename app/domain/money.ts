/**
 * Money is held as integer minor units (pence, cents) in `bigint`.
 * Nothing here touches floating point: amounts enter as decimal strings
 * and leave as decimal strings, so a value never changes on the way through.
 */

export type Minor = bigint;

export type RoundingMode = "half-even" | "half-up" | "down" | "up";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * The largest amount taken, in minor units: 10^15 (£10 trillion), far beyond
 * any co-operative's figures and far inside PostgreSQL's bigint (9.2 x 10^18),
 * so sums of many such amounts still fit.
 */
export const MAX_MINOR_UNITS = 10n ** 15n;

/** Parse "12.34" (or "12", "-0.5") into minor units with `scale` decimals.
 *  More decimals than the currency has is an error, not a silent rounding;
 *  so is an amount beyond MAX_MINOR_UNITS. */
export function parseMoney(text: string, scale = 2): Minor {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not an amount: "${text}"`);
  const [, sign, whole, frac = ""] = m;
  if (frac.length > scale) throw new RangeError(`"${text}" has more than ${scale} decimal places`);
  const units = BigInt(whole) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, "0") || "0");
  if (units > MAX_MINOR_UNITS) throw new RangeError(`"${text.trim().slice(0, 40)}" is larger than any amount taken`);
  return sign ? -units : units;
}

/** Minor units to a plain decimal string ("1234.50"), no separators. */
export function formatMinor(units: Minor, scale = 2): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  if (scale === 0) return `${negative ? "-" : ""}${abs}`;
  const base = 10n ** BigInt(scale);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(scale, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** The locale money is written in (symbol, separators, sign) until an organisation has one of its own. */
export const DEFAULT_MONEY_LOCALE = "en-GB";

// The narrow symbol ("$", not "US$"): an organisation shows its own currency.
// Building an Intl.NumberFormat costs far more than using one, and a statement or a register shows thousands.
const formats = new Map<string, Intl.NumberFormat>();
function currencyFormat(locale: string, currency: string, digits?: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits ?? ""}`;
  let format = formats.get(key);
  if (!format) {
    const fixed = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    format = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol", ...fixed });
    formats.set(key, format);
  }
  return format;
}

/** How many decimal places the currency's minor unit has (GBP, EUR, USD: 2; JPY: 0), as Intl knows it. */
export function minorUnitDigits(currency: string): number {
  let known = digitsOf.get(currency);
  if (known === undefined) {
    known = currencyFormat(DEFAULT_MONEY_LOCALE, currency).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, known);
  }
  return known;
}
const digitsOf = new Map<string, number>();

/**
 * How an organisation writes money for people: its currency (ISO 4217) and
 * its locale (BCP 47). The session's organisation is one, so a loader passes
 * `ctx.organisation` as it is; an amount in another currency (a bank line, a
 * collection) is `{ currency: line.currency, locale: organisation.locale }`.
 */
export interface MoneyStyle {
  currency: string;
  locale: string;
}

/** An organisation (or anything with a currency) as a MoneyStyle; one without a locale writes in the default. */
export function moneyStyleOf(o: { currency: string; locale?: string }): MoneyStyle {
  return { currency: o.currency, locale: o.locale ?? DEFAULT_MONEY_LOCALE };
}

/**
 * Human display through Intl.NumberFormat with the currency and locale:
 * "£1,234.50" (GBP, en-GB), "-€1.00", "1.234,50 €" (EUR, de-DE). Exact at
 * any size: Intl is given the amount as the decimal string formatMinor
 * writes, which it reads as an exact decimal (ECMA-402 2023, Node 20 and
 * current browsers), never as a float. `scale` is how many decimals `units`
 * carries: the currency's own by default (more for a figure finer than a penny).
 * `style` is a currency code (written in the default locale) or a MoneyStyle.
 */
export function displayMoney(units: Minor, style: string | MoneyStyle = "GBP", scale?: number, locale?: string): string {
  const currency = typeof style === "string" ? style : style.currency;
  locale ??= typeof style === "string" ? DEFAULT_MONEY_LOCALE : style.locale;
  scale ??= minorUnitDigits(currency);
  // `format` takes a decimal string since ES2023; the ES2022 types this project compiles with only know numbers.
  const formatDecimal = currencyFormat(locale, currency, scale).format as unknown as (decimal: string) => string;
  return formatDecimal(formatMinor(units, scale));
}

/**
 * The currency's smallest amount in a sentence ("rounded to the penny"):
 * "penny" for pounds, as a society's members say it, else the amount as the
 * organisation writes it ("€0.01", "0,01 €", "¥1").
 */
export function smallestUnitWords(style: MoneyStyle): string {
  return style.currency === "GBP" ? "penny" : displayMoney(1n, style);
}

/** The currency's sign as the organisation writes it ("£", "€", "$"), for a form label such as "Arrangement fee (€)". */
export function currencySign(style: MoneyStyle): string {
  return currencyFormat(style.locale, style.currency).formatToParts(0).find((p) => p.type === "currency")?.value ?? style.currency;
}

/**
 * An amount typed or exported as text, without a leading currency sign and
 * thousands commas ("£1,234.50", "€1,234.50", "$12" -> "1234.50", "12"),
 * ready for parseMoney. Any currency sign goes (Unicode's Sc class), not
 * only the pound.
 */
export function withoutCurrencySign(text: string): string {
  return text.replace(/^\p{Sc}/u, "").replace(/,/g, "");
}

/**
 * A chart's axis tick or tooltip for an amount drawn as a number (a chart's
 * floating-point copy: the exact figures sit in the table beside it):
 * compact on the axis ("£1.2m", "€250k", "$900"), to the minor unit in the
 * tooltip ("£1,234.50").
 */
export function chartMoney(style: MoneyStyle, compact: boolean): (value: number) => string {
  if (!compact) {
    const exact = currencyFormat(style.locale, style.currency, minorUnitDigits(style.currency));
    return (v) => exact.format(v);
  }
  const whole = currencyFormat(style.locale, style.currency, 0);
  const sign = currencySign(style);
  const before = whole.format(1).startsWith(sign) || whole.format(1).startsWith(`-${sign}`);
  // "m" and "k" as the society's reports write them, the sign where the locale puts it.
  const put = (n: string) => (before ? `${sign}${n}` : `${n} ${sign}`);
  return (v) => {
    const a = Math.abs(v);
    const minus = v < 0 ? "-" : "";
    if (a >= 1_000_000) return minus + put(`${(a / 1_000_000).toFixed(a >= 10_000_000 ? 0 : 1)}m`);
    if (a >= 1_000) return minus + put(`${Math.round(a / 1_000)}k`);
    return minus + put(`${Math.round(a)}`);
  };
}

/**
 * Integer division with an explicit rounding rule.
 * half-even (banker's rounding) is the default for interest because it does
 * not drift upwards over many postings.
 */
export function divRound(numerator: bigint, denominator: bigint, mode: RoundingMode = "half-even"): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const q = numerator / denominator; // truncates toward zero
  const r = numerator % denominator;
  if (r === 0n) return q;
  const sign = numerator < 0n ? -1n : 1n;
  const twice = 2n * (r < 0n ? -r : r);
  switch (mode) {
    case "down":
      return q;
    case "up":
      return q + sign;
    case "half-up":
      return twice >= denominator ? q + sign : q;
    case "half-even":
      if (twice > denominator) return q + sign;
      if (twice < denominator) return q;
      return q % 2n === 0n ? q : q + sign;
  }
}

/**
 * Split `total` in proportion to `weights` so that the parts add up exactly
 * to the total (largest-remainder method; ties go to the earlier weight).
 */
export function allocate(total: Minor, weights: readonly bigint[]): Minor[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum <= 0n) throw new RangeError("weights must add up to more than zero");
  const parts = weights.map((w) => (total * w) / sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, rem: (total * w) % sum }))
    .sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] += left > 0n ? 1n : -1n;
    left += left > 0n ? -1n : 1n;
  }
  return parts;
}

export function sumMinor(values: Iterable<Minor>): Minor {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** Basis points (1/100 of a percent) of an amount, rounded by `mode`. */
export function applyBasisPoints(amount: Minor, basisPoints: bigint, mode: RoundingMode = "half-even"): Minor {
  return divRound(amount * basisPoints, 10_000n, mode);
}

/** "12.5" percent -> 1250 basis points; refuses more than 2 decimals. */
export function percentToBasisPoints(text: string): bigint {
  return parseMoney(text, 2);
}
