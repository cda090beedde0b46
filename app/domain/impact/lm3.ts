/**
 * Local Multiplier 3 (LM3, New Economics Foundation): how much of each pound
 * the society takes in is spent and re-spent in the local economy.
 *
 *   R1 = income in the period
 *   R2 = spent locally: with local suppliers and on staff who live locally
 *   R3 = what those suppliers and staff in turn spend locally
 *   LM3 = (R1 + R2 + R3) / R1
 *
 * An LM3 of 1.84 means each 1 unit of income (£1, €1) generates 1.84 for the local area.
 * Amounts are minor units; the ratio is worked out exactly and rounded once
 * to 2 decimals, half to even, so a reported figure never drifts.
 */
import { displayMoney, divRound, formatMinor, percentToBasisPoints, smallestUnitWords, type Minor, type MoneyStyle } from "~/domain/money";

export interface Lm3Input {
  /** R1: income. */
  income: Minor;
  /** R2: local spend, as one figure or split into suppliers and staff. */
  localSpend: Minor | { suppliers: Minor; staff: Minor };
  /** R3: local re-spend by the suppliers and staff paid in R2 (see respendFromSurvey). */
  localRespend: Minor;
}

export type Lm3Result =
  | { ok: true; lm3: string; r1: Minor; r2: Minor; r3: Minor; method: string; warnings: string[] }
  | { ok: false; error: string };

/** `style`: the organisation's currency and locale, that the refusals, warnings and method write amounts in. */
export function computeLm3(input: Lm3Input, style: MoneyStyle): Lm3Result {
  const money = (v: Minor) => displayMoney(v, style);
  const r1 = input.income;
  const r2 = typeof input.localSpend === "bigint" ? input.localSpend : input.localSpend.suppliers + input.localSpend.staff;
  const r3 = input.localRespend;
  if (r1 <= 0n) {
    return { ok: false, error: `LM3 needs income (R1) above zero; it is ${money(r1)}. It measures what happens to money coming in, so there must be some.` };
  }
  if (typeof input.localSpend !== "bigint") {
    if (input.localSpend.suppliers < 0n) return { ok: false, error: "Local spend with suppliers cannot be negative." };
    if (input.localSpend.staff < 0n) return { ok: false, error: "Local spend on staff cannot be negative." };
  }
  if (r2 < 0n) return { ok: false, error: `Local spend (R2) cannot be negative; it is ${money(r2)}.` };
  if (r3 < 0n) return { ok: false, error: `Local re-spend (R3) cannot be negative; it is ${money(r3)}.` };

  const warnings: string[] = [];
  // Possible (spending reserves or a grant received in an earlier period),
  // but usually means income and spend cover different periods.
  if (r2 > r1) warnings.push(`Local spend (R2, ${money(r2)}) is more than income (R1, ${money(r1)}): check both cover the same period.`);
  // R3 is re-spend of R2, so it cannot really be larger.
  if (r3 > r2) warnings.push(`Local re-spend (R3, ${money(r3)}) is more than local spend (R2, ${money(r2)}), which it is part of: check the survey figures.`);

  const hundredths = divRound((r1 + r2 + r3) * 100n, r1, "half-even");
  const lm3 = formatMinor(hundredths, 2);
  const r2Words =
    typeof input.localSpend === "bigint"
      ? money(r2)
      : `${money(r2)} (suppliers ${money(input.localSpend.suppliers)} + staff ${money(input.localSpend.staff)})`;
  const method =
    `LM3 = (R1 + R2 + R3) ÷ R1 = (${money(r1)} + ${r2Words} + ${money(r3)}) ÷ ${money(r1)} ` +
    `= ${lm3} (rounded to 2 decimals, halves to even).`;
  return { ok: true, lm3, r1, r2, r3, method, warnings };
}

export interface RespendAnswer {
  recipient: "supplier" | "staff";
  /** What this supplier or staff member received from the society (part of R2). */
  amountReceived: Minor;
  /** Share of it they say they spend locally, as a decimal string or number with at most 2 decimals ("37.5"). */
  localSpendPercent: string | number;
}

export type RespendResult =
  | { ok: true; total: Minor; suppliers: Minor; staff: Minor; method: string }
  | { ok: false; errors: { index: number; reason: string }[] };

/**
 * R3 from survey answers: sum of amount received x percent spent locally.
 * Products are added exactly (in hundredths of a basis point) and rounded
 * once, half to even, for each of suppliers and staff.
 */
export function respendFromSurvey(answers: readonly RespendAnswer[], style: MoneyStyle): RespendResult {
  const money = (v: Minor) => displayMoney(v, style);
  const errors: { index: number; reason: string }[] = [];
  let suppliersExact = 0n;
  let staffExact = 0n;
  answers.forEach((a, index) => {
    if (a.recipient !== "supplier" && a.recipient !== "staff") {
      errors.push({ index, reason: `recipient must be supplier or staff, not "${String(a.recipient)}"` });
      return;
    }
    if (a.amountReceived < 0n) {
      errors.push({ index, reason: `amount received cannot be negative (${money(a.amountReceived)})` });
      return;
    }
    let bp: bigint;
    try {
      // A number is read through its decimal text so 37.5 means exactly 37.5.
      bp = percentToBasisPoints(typeof a.localSpendPercent === "number" ? String(a.localSpendPercent) : a.localSpendPercent);
    } catch {
      errors.push({ index, reason: `local spend percent must be a number from 0 to 100 with at most 2 decimals, not "${String(a.localSpendPercent)}"` });
      return;
    }
    if (bp < 0n || bp > 10_000n) {
      errors.push({ index, reason: `local spend percent must be from 0 to 100, not ${String(a.localSpendPercent)}` });
      return;
    }
    if (a.recipient === "supplier") suppliersExact += a.amountReceived * bp;
    else staffExact += a.amountReceived * bp;
  });
  if (errors.length > 0) return { ok: false, errors };
  const suppliers = divRound(suppliersExact, 10_000n, "half-even");
  const staff = divRound(staffExact, 10_000n, "half-even");
  const total = suppliers + staff;
  return {
    ok: true,
    total,
    suppliers,
    staff,
    method:
      `R3 = sum of (amount received × share spent locally) over ${answers.length} survey answers: ` +
      `suppliers ${money(suppliers)} + staff ${money(staff)} = ${money(total)} (each rounded once to the ${smallestUnitWords(style)}, halves to even).`,
  };
}
