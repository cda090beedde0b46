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

/** Human display with a currency symbol and thousands separators: "£1,234.50". */
export function displayMoney(units: Minor, currency = "GBP", scale = 2): string {
  const plain = formatMinor(units < 0n ? -units : units, scale);
  const [whole, frac] = plain.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const symbol = CURRENCY_SYMBOL[currency] ?? `${currency} `;
  return `${units < 0n ? "-" : ""}${symbol}${grouped}${frac ? "." + frac : ""}`;
}

const CURRENCY_SYMBOL: Record<string, string> = { GBP: "£", EUR: "€", USD: "$" };

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
