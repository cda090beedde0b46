/**
 * Arrears: days past due (DPD), ageing buckets and portfolio at risk (PAR).
 *
 * DPD as at a date counts from the due date of the oldest installment not
 * fully paid. An installment due on the as-at date itself is not yet late
 * (DPD 0); one due the day before is 1 day past due.
 *
 * PARn = outstanding principal of loans MORE than n days past due / all
 * outstanding principal (the CGAP/MIX definition: the whole balance of a
 * late loan is at risk, not just the missed installments).
 *
 * The portfolio function works over flat typed arrays (one row per
 * installment, loans as offsets into them): no per-loan objects, no date
 * parsing in the loop. The app ages its stored portfolio in the database
 * (models/lending/portfolio.server.ts, by these rules); this function is the
 * reference its test compares against, and ages simulated histories in the
 * demo seed.
 */
import { divRound, type Minor, type RoundingMode } from "../money";
import { toDay } from "../calendar";

export type Bucket = "current" | "1-30" | "31-60" | "61-90" | "90+";
/** Buckets in ageing order. "90+" means more than 90 days (91 and over), since 61-90 includes day 90. */
export const BUCKETS: readonly Bucket[] = ["current", "1-30", "31-60", "61-90", "90+"];

export function bucketOf(dpd: number): Bucket {
  if (dpd <= 0) return "current";
  if (dpd <= 30) return "1-30";
  if (dpd <= 60) return "31-60";
  if (dpd <= 90) return "61-90";
  return "90+";
}

function bucketIndex(dpd: number): number {
  return dpd <= 0 ? 0 : dpd <= 30 ? 1 : dpd <= 60 ? 2 : dpd <= 90 ? 3 : 4;
}

export interface InstallmentDue {
  due: string;
  amountDue: Minor;
  amountPaid: Minor;
}

/** Days past due of one loan as at `asAt` (installments in any order). */
export function daysPastDue(installments: readonly InstallmentDue[], asAt: string): number {
  const today = toDay(asAt);
  let oldest = Infinity;
  for (const i of installments) {
    if (i.amountPaid < i.amountDue) oldest = Math.min(oldest, toDay(i.due));
  }
  return oldest < today ? today - oldest : 0;
}

/**
 * A portfolio as columns. Loan i owns installment rows
 * offsets[i] .. offsets[i+1]-1; `dueDay` holds day numbers (dates.toDay).
 */
export interface PortfolioColumns {
  offsets: Int32Array;
  dueDay: Int32Array;
  amountDue: BigInt64Array;
  amountPaid: BigInt64Array;
  /** Outstanding principal per loan (one entry per loan). */
  outstandingPrincipal: BigInt64Array;
}

export interface ParFigure {
  /** Outstanding principal of loans more than n days past due. */
  atRisk: Minor;
  /** atRisk / total in basis points, rounded by the stated rule. */
  basisPoints: bigint;
  /** atRisk / total as a decimal string ("0.1234"), rounded by the stated rule. */
  ratio: string;
}

export interface PortfolioArrears {
  asAt: string;
  /** DPD per loan, in the same order as the loans. */
  dpd: Int32Array;
  buckets: Record<Bucket, { loans: number; principal: Minor }>;
  totalOutstanding: Minor;
  par30: ParFigure;
  par60: ParFigure;
  par90: ParFigure;
}

export interface ParOptions {
  /** Decimal places of the ratio string (default 4, i.e. to the basis point). */
  places?: number;
  /** Rounding of the ratio and basis points (default half-even). */
  rounding?: RoundingMode;
}

/** A share of a total as a decimal string with `places` decimals, rounded by `mode`. Zero total gives zero. */
export function ratioString(part: Minor, total: Minor, places = 4, mode: RoundingMode = "half-even"): string {
  if (total === 0n) return places > 0 ? `0.${"0".repeat(places)}` : "0";
  const scale = 10n ** BigInt(places);
  const scaled = divRound(part * scale, total, mode);
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const text = places > 0 ? `${abs / scale}.${(abs % scale).toString().padStart(places, "0")}` : `${abs}`;
  return negative ? `-${text}` : text;
}

/** PAR as a figure: what is at risk, in basis points and as a ratio string, by the stated rounding. */
export function parFigure(atRisk: Minor, total: Minor, options: ParOptions): ParFigure {
  const mode = options.rounding ?? "half-even";
  return {
    atRisk,
    basisPoints: total === 0n ? 0n : divRound(atRisk * 10_000n, total, mode),
    ratio: ratioString(atRisk, total, options.places ?? 4, mode),
  };
}

/** Age a whole portfolio as at a date: DPD per loan, buckets, PAR30/60/90. */
export function portfolioArrears(cols: PortfolioColumns, asAt: string, options: ParOptions = {}): PortfolioArrears {
  const today = toDay(asAt);
  const loans = cols.offsets.length - 1;
  if (loans < 0 || cols.outstandingPrincipal.length !== loans) {
    throw new RangeError("offsets must have one more entry than outstandingPrincipal");
  }
  const { offsets, dueDay, amountDue, amountPaid, outstandingPrincipal } = cols;
  const dpd = new Int32Array(loans);
  const counts = [0, 0, 0, 0, 0];
  const principal = [0n, 0n, 0n, 0n, 0n];
  let total = 0n;
  for (let i = 0; i < loans; i++) {
    let oldest = today; // only installments due before today can make a loan late
    for (let j = offsets[i], end = offsets[i + 1]; j < end; j++) {
      const d = dueDay[j];
      if (d < oldest && amountPaid[j] < amountDue[j]) oldest = d;
    }
    const late = today - oldest;
    dpd[i] = late;
    const b = bucketIndex(late);
    const owed = outstandingPrincipal[i];
    counts[b]++;
    principal[b] += owed;
    total += owed;
  }
  const over30 = principal[2] + principal[3] + principal[4];
  const over60 = principal[3] + principal[4];
  const over90 = principal[4];
  const buckets = {} as Record<Bucket, { loans: number; principal: Minor }>;
  BUCKETS.forEach((name, k) => (buckets[name] = { loans: counts[k], principal: principal[k] }));
  return {
    asAt,
    dpd,
    buckets,
    totalOutstanding: total,
    par30: parFigure(over30, total, options),
    par60: parFigure(over60, total, options),
    par90: parFigure(over90, total, options),
  };
}

export interface LoanArrearsInput {
  installments: readonly InstallmentDue[];
  outstandingPrincipal: Minor;
}

/** Pack loans (objects) into the columnar form portfolioArrears takes. */
export function toColumns(loans: readonly LoanArrearsInput[]): PortfolioColumns {
  const rows = loans.reduce((s, l) => s + l.installments.length, 0);
  const cols: PortfolioColumns = {
    offsets: new Int32Array(loans.length + 1),
    dueDay: new Int32Array(rows),
    amountDue: new BigInt64Array(rows),
    amountPaid: new BigInt64Array(rows),
    outstandingPrincipal: new BigInt64Array(loans.length),
  };
  let j = 0;
  loans.forEach((loan, i) => {
    cols.offsets[i] = j;
    cols.outstandingPrincipal[i] = loan.outstandingPrincipal;
    for (const inst of loan.installments) {
      cols.dueDay[j] = toDay(inst.due);
      cols.amountDue[j] = inst.amountDue;
      cols.amountPaid[j] = inst.amountPaid;
      j++;
    }
  });
  cols.offsets[loans.length] = j;
  return cols;
}
