/**
 * The one rounding rule for headline percentages (PAR30/60/90 and the like):
 * the share is worked out in whole basis points (hundredths of a percent),
 * rounded half to even, from exact integers; the text is those basis points
 * with two decimals. Every page, export and test that shows such a
 * percentage goes through here, so one figure reads the same everywhere.
 */
import { divRound } from "./money";

/** part / whole in basis points (1 bp = 0.01%), rounded half to even. Zero whole gives zero. */
export function basisPoints(part: bigint, whole: bigint): bigint {
  if (whole === 0n) return 0n;
  return divRound(part * 10_000n, whole, "half-even");
}

/** Basis points as a percentage with two decimals: 946n → "9.46%". */
export function basisPointsText(bp: bigint): string {
  const negative = bp < 0n;
  const abs = negative ? -bp : bp;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}%`;
}

/** part / whole as a percentage with two decimals, by the rule above. */
export function percentText(part: bigint, whole: bigint): string {
  return basisPointsText(basisPoints(part, whole));
}
