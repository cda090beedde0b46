/**
 * Exact non-negative fractions over bigint, for rates and year fractions.
 *
 * Interest is balance x annual rate x year fraction. Keeping the rate and the
 * fraction as exact fractions and dividing once, with the stated rounding
 * rule, means the only rounding is the one the rules ask for (per period, to
 * the penny). It is also far faster than decimal.js in the schedule loop.
 */

export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function ratio(num: bigint, den: bigint = 1n): Ratio {
  if (den === 0n) throw new RangeError("zero denominator");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

export function add(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "12.5" -> 25/2. Refuses signs, exponents and anything that is not a plain decimal. */
export function parseDecimal(text: string): Ratio {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = m[2] ?? "";
  return ratio(BigInt(m[1] + frac), 10n ** BigInt(frac.length));
}

/** A percentage string ("12" = 12%) as a fraction (3/25). */
export function parsePercent(text: string): Ratio {
  const r = parseDecimal(text);
  return ratio(r.num, r.den * 100n);
}
