/**
 * Shared result shape and helpers for the STV counts (Scottish and Meek).
 * All vote values are scaled integers; they leave as fixed-decimal strings.
 */

export type StvAction = "first" | "surplus" | "exclude" | "elect-remaining";

export interface StvRound {
  /**
   * Stage number, 0 = first preferences. An "elect-remaining" entry shares the
   * number of the stage it closes: filling the last vacancies under rule 52 is
   * not a stage of its own (no papers move), which is also how droop numbers it.
   */
  n: number;
  action: StvAction;
  /** The candidate whose surplus was transferred or who was excluded. */
  candidate?: string;
  /**
   * Votes of every non-withdrawn candidate at the end of the stage: Scottish
   * 5 decimals; Meek all 9, as the stage's decision was taken on them (a
   * candidate excluded at the stage still shows the votes they were excluded on).
   */
  tally: Record<string, string>;
  /** Cumulative value of non-transferable (exhausted) papers. */
  exhausted: string;
  /** Cumulative value lost to truncation (total - candidates - exhausted); always 0 for Meek. */
  residual: string;
  /** Candidates elected at this stage, in order of election. */
  elected: string[];
  /** Candidates excluded at this stage. */
  excluded: string[];
  /** Scottish: the surplus transferred at a surplus stage. Meek: the total surplus of the last iteration (below omega at an exclusion). */
  surplus?: string;
  /** Quota in force at this stage (Meek recomputes it; Scottish repeats the fixed quota). */
  quota?: string;
  /** Meek keep factors of elected candidates at the end of the stage. */
  keepFactors?: Record<string, string>;
  /** Human notes: how ties were broken, why an iteration stopped. */
  notes: string[];
}

export interface StvResult {
  method: "scottish" | "meek";
  title: string;
  seats: number;
  /**
   * Scottish: the Droop quota, an integer. Meek: the final quota rounded to
   * 5 decimals, for display only (the exact value is in the last round's `quota`).
   */
  quota: number;
  /** Number of valid ballot papers (those ranking at least one non-withdrawn candidate). */
  valid: number;
  /** Winners' names, as written in the file, in order of election. */
  elected: string[];
  /** Stage at which each winner in `elected` was elected (parallel array). */
  electedStage: number[];
  rounds: StvRound[];
}

export interface LotOptions {
  /**
   * Seed for drawing lots. Default: derived from the title and candidate names,
   * so the same file always gives the same draw (reproducible, auditable) while
   * different elections do not share one fixed order.
   */
  lotSeed?: string;
  /**
   * "tie-order": a tie still undecided after looking back through the stages
   * goes to the first of the tied in the file's `[tie]` order (else ballot
   * order), as droop does: a lot drawn before the count and recorded in the
   * file. Default "seeded": a lot drawn from `lotSeed`.
   */
  lots?: "seeded" | "tie-order";
}

/** Each candidate's place in the `[tie]` order (ballot order when the file gives none). */
export function tieRanks(n: number, tie?: number[]): number[] {
  const rank = new Array<number>(n);
  (tie ?? Array.from({ length: n }, (_, i) => i)).forEach((c, i) => (rank[c] = i));
  return rank;
}

/** Format a non-negative-or-negative scaled integer as a decimal with `places` digits. */
export function formatScaled(v: number | bigint, places: number, showPlaces = places): string {
  let x = BigInt(v);
  const neg = x < 0n;
  if (neg) x = -x;
  const base = 10n ** BigInt(places);
  const whole = x / base;
  let frac = (x % base).toString().padStart(places, "0");
  // Display truncates (never rounds up), like the count itself.
  frac = frac.slice(0, showPlaces);
  return `${neg ? "-" : ""}${whole}${showPlaces > 0 ? "." + frac : ""}`;
}

/** 32-bit FNV-1a hash: a small, well-known, dependency-free string hash. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny seeded PRNG, good enough for drawing lots and test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function defaultLotSeed(title: string, candidates: string[]): string {
  return `${title}\n${candidates.join("\n")}`;
}

/**
 * Draw lots among tied candidates (0-based indexes). Deterministic: the draw
 * depends only on the seed, the stage and the purpose, and the tied set is
 * sorted first, so it is the same whatever order the caller found them in.
 * The lot is documented in the round's notes so a returning officer can see
 * it was used (and rerun with another seed if a physical draw is preferred).
 */
export function drawLot(tied: number[], seed: string, stage: number, purpose: string): number {
  const sorted = [...tied].sort((a, b) => a - b);
  const rand = mulberry32(fnv1a(`${seed}\u0000${stage}\u0000${purpose}\u0000${sorted.join(",")}`));
  return sorted[Math.floor(rand() * sorted.length)];
}

/**
 * Break a tie the Scottish way (SSI 2007/42 rules 49(2)-(3), 51(2)): look back
 * through earlier stages, most recent first, for one at which exactly one of
 * the tied candidates had the highest (or lowest) vote; otherwise draw lots.
 * `history[s][c]` is candidate c's vote at the end of stage s.
 */
export function breakTie(
  tied: number[],
  want: "highest" | "lowest",
  history: ArrayLike<number>[],
  names: string[],
  lot: { seed: string; stage: number; purpose: string; tieRank?: number[] },
): { chosen: number; note?: string } {
  if (tied.length === 1) return { chosen: tied[0] };
  const list = tied.map((c) => names[c]).join(", ");
  for (let s = history.length - 1; s >= 0; s--) {
    const h = history[s];
    let best = h[tied[0]];
    for (const c of tied) if (want === "highest" ? h[c] > best : h[c] < best) best = h[c];
    const holders = tied.filter((c) => h[c] === best);
    if (holders.length === 1) {
      return {
        chosen: holders[0],
        note: `Tie (${lot.purpose}) between ${list} broken by stage ${s}, where ${names[holders[0]]} had the ${want} vote.`,
      };
    }
  }
  if (lot.tieRank) {
    const rank = lot.tieRank;
    const chosen = tied.reduce((a, b) => (rank[b] < rank[a] ? b : a));
    return {
      chosen,
      note: `Tie (${lot.purpose}) between ${list} equal at every stage; decided by the lot recorded as the [tie] order: ${names[chosen]}.`,
    };
  }
  const chosen = drawLot(tied, lot.seed, lot.stage, lot.purpose);
  return {
    chosen,
    note: `Tie (${lot.purpose}) between ${list} equal at every stage; decided by lot: ${names[chosen]}.`,
  };
}
