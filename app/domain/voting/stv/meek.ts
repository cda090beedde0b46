/**
 * Meek's method of STV as published: the Proportional Representation
 * Foundation's Meek reference rule, which is Hill, Wichmann & Woodall's
 * "Algorithm 123" (Computer Journal 30(3), 1987) in 9-decimal fixed point,
 * the form also used by the New Zealand Local Electoral Regulations 2001,
 * Schedule 1A. It reproduces droop's `meek-prf` rule stage by stage (see
 * meek.test.ts and tests/fixtures/vectors/stv/meek).
 *
 * Every candidate has a keep factor kf: 1 while hopeful, 0 once excluded, and
 * for an elected candidate the fraction of each vote reaching them that they
 * keep, the rest passing down the paper.
 *
 *  A. Hopeful candidates kf = 1, withdrawn 0. Omega = 10^-6 (option omegaPlaces).
 *  B. Rounds, while more hopefuls remain than seats left to fill:
 *   B.2 Iterate:
 *     a. Distribute every paper with weight w = 1: at each ranked candidate add
 *        w * kf (9 decimals, rounded up) to their vote and reduce w by the same
 *        amount, until w is 0 or the paper ends (what is left is non-transferable).
 *     b. Quota = (sum of hopeful and elected votes) / (seats + 1), truncated,
 *        plus 10^-9.
 *     c. Elect every hopeful with vote >= quota.
 *     d. Total surplus s = sum of (vote - quota) over the elected, at least 0.
 *     e. If anyone was elected the round ends. Otherwise, if s < omega, or
 *        s >= the previous iteration's s, stop iterating (go to B.3).
 *     f. kf := kf * quota (rounded up) / vote (rounded up); back to a.
 *   B.3 Exclude ONE candidate: the hopeful with the lowest vote, where every
 *       hopeful within s of the lowest counts as tied with them. Its kf := 0.
 *  C. Elect the remaining hopefuls if seats remain (C.2: otherwise they lose).
 *
 * So every stage (round) ends with one decision: an election after the
 * surpluses were iterated, or one exclusion after they converged to within
 * omega. Round 0 shows first preferences and elects nobody (the first
 * iteration of round 1 elects those with a quota on first preferences).
 *
 * Options that depart from the reference rule, for those who choose them:
 *  - bulkExclusion: droop's "safe" batch exclusion of several sure losers at
 *    once (fewer stages, same winners in practice, but the stage-by-stage
 *    count no longer matches a published reference count).
 *  - tieBreak "history" (the default): the tie for exclusion is broken by the
 *    most recent earlier stage at which one of the tied had the lowest vote,
 *    otherwise by a seeded lot (as the Scottish rules do); tieBreak "order"
 *    is the reference rule's procedure: the first of the tied candidates in
 *    the file's [tie] order, or else in ballot order (as droop does).
 *
 * Arithmetic: fixed point with 9 decimals (units of 10^-9) held in JS numbers.
 * The hot product w * kf is done exactly with a split product (mulUp), the
 * rare ones that can exceed 2^53 in bigint. Votes plus non-transferable
 * always equal the number of valid papers exactly (nothing is lost to rounding,
 * since what a candidate keeps is taken off the paper's weight). Totals stay
 * exact below 9,000,000 ballots, which is checked.
 */
import type { BltElection } from "./blt";
import {
  breakTie,
  tieRanks,
  defaultLotSeed,
  formatScaled,
  type LotOptions,
  type StvResult,
  type StvRound,
} from "./common";

const PLACES = 9;
const SCALE = 1_000_000_000;
const SCALE_N = BigInt(SCALE);

const HOPEFUL = 0;
const ELECTED = 1;
const EXCLUDED = 2;
const WITHDRAWN = 3;

export interface MeekOptions extends LotOptions {
  /** Iteration stops once the total surplus is below 10^-omegaPlaces. Default 6 (0.000001), the reference rule's omega. */
  omegaPlaces?: number;
  /** Exclude every "sure loser" at once (droop's batch defeat) instead of one candidate per stage. Default false. */
  bulkExclusion?: boolean;
  /** How a tie for exclusion is broken: "history" (default; earlier stages, then lot) or "order" ([tie] order, else ballot order: the reference rule). */
  tieBreak?: "history" | "order";
  /** Safety cap on iterations in one round (a stable surplus normally stops it long before). */
  maxIterations?: number;
}

/**
 * a * b / 10^9 for 0 <= a, b < 2^31, exactly, without leaving safe integers:
 * the quotient and the remainder (0 <= remainder < 10^9).
 */
function mulDiv(a: number, b: number): { q: number; r: number } {
  // Split b into high and low 16 bits so each partial product stays < 2^47.
  const bh = Math.floor(b / 65536);
  const bl = b - bh * 65536;
  const x = a * bh;
  let qx = Math.floor(x / SCALE);
  let rx = x - qx * SCALE;
  // Float division of integers this small is at most one off; correct it.
  if (rx < 0) { qx--; rx += SCALE; } else if (rx >= SCALE) { qx++; rx -= SCALE; }
  // a * b = (qx * 65536) * 10^9 + y, and y = qy * 10^9 + ry.
  const y = rx * 65536 + a * bl; // < 2^48
  let qy = Math.floor(y / SCALE);
  let ry = y - qy * SCALE;
  if (ry < 0) { qy--; ry += SCALE; } else if (ry >= SCALE) { qy++; ry -= SCALE; }
  return { q: qx * 65536 + qy, r: ry };
}

/** Exact floor(a * b / 10^9) for 0 <= a, b < 2^31. */
export function mulDown(a: number, b: number): number {
  return mulDiv(a, b).q;
}

/** Exact ceil(a * b / 10^9) for 0 <= a, b < 2^31. */
export function mulUp(a: number, b: number): number {
  const { q, r } = mulDiv(a, b);
  return q + (r === 0 ? 0 : 1);
}

export function countMeek(e: BltElection, options: MeekOptions = {}): StvResult {
  const names = e.candidates;
  const n = names.length;
  const seats = e.seats;
  const lotSeed = options.lotSeed ?? defaultLotSeed(e.title, names);
  const omegaPlaces = options.omegaPlaces ?? 6;
  if (!Number.isInteger(omegaPlaces) || omegaPlaces < 0 || omegaPlaces > PLACES) {
    throw new RangeError(`omegaPlaces must be a whole number from 0 to ${PLACES}`);
  }
  const omega = 10 ** (PLACES - omegaPlaces);
  const maxIterations = options.maxIterations ?? 100_000;
  const bulk = options.bulkExclusion ?? false;
  const tieBreak = options.tieBreak ?? "history";
  // Position of each candidate in the tie-break order of the reference rule.
  const tieRank = tieRanks(n, e.options?.tie);
  const lotRank = options.lots === "tie-order" ? tieRank : undefined;

  const state = new Uint8Array(n);
  for (const w of e.withdrawn) state[w] = WITHDRAWN;

  // Group identical ballots: Meek distributes every paper every iteration,
  // so this is what keeps it fast.
  const groupOf = new Map<string, number>();
  const gPrefs: number[][] = [];
  const gCount: number[] = [];
  let valid = 0;
  for (const b of e.ballots) {
    const prefs = b.prefs.filter((p) => state[p] !== WITHDRAWN);
    if (prefs.length === 0 || b.weight === 0) continue;
    valid += b.weight;
    const key = prefs.join(",");
    const g = groupOf.get(key);
    if (g !== undefined) gCount[g] += b.weight;
    else {
      groupOf.set(key, gPrefs.length);
      gPrefs.push(prefs);
      gCount.push(b.weight);
    }
  }
  if (valid > 9_000_000) throw new RangeError(`${valid} ballots is too many for this Meek count (limit 9,000,000)`);
  const total = valid * SCALE;

  const kf = new Array<number>(n).fill(SCALE);
  for (const w of e.withdrawn) kf[w] = 0;
  const votes = new Array<number>(n).fill(0);
  let exhausted = 0;

  /** B.2.a: distribute every paper under the current keep factors. */
  const distribute = () => {
    votes.fill(0);
    exhausted = 0;
    for (let g = 0; g < gPrefs.length; g++) {
      const prefs = gPrefs[g];
      const count = gCount[g];
      let weight = SCALE;
      for (let i = 0; i < prefs.length && weight > 0; i++) {
        const c = prefs[i];
        const k = kf[c];
        if (k === 0) continue;
        const keep = k === SCALE ? weight : mulUp(weight, k);
        votes[c] += keep * count;
        weight -= keep;
      }
      // Whatever is left after the last preference is non-transferable.
      exhausted += weight * count;
    }
  };

  const held = () => {
    let s = 0;
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL || state[c] === ELECTED) s += votes[c];
    return s;
  };
  const quotaOf = (v: number) => Math.floor(v / (seats + 1)) + 1;

  const elected: number[] = [];
  const electedStage: number[] = [];
  const history: number[][] = [];
  const rounds: StvRound[] = [];
  let hopefulCount = n - e.withdrawn.length;
  const seatsLeft = () => seats - elected.length;
  const complete = () => seatsLeft() <= 0 || hopefulCount <= seatsLeft();

  type Draft = Omit<StvRound, "tally" | "exhausted" | "residual" | "quota">;
  const draft = (r: number, action: StvRound["action"], candidate?: number): Draft => ({
    n: r,
    action,
    ...(candidate === undefined ? {} : { candidate: names[candidate] }),
    elected: [],
    excluded: [],
    notes: [],
  });
  const elect = (c: number, r: number, round: Draft) => {
    state[c] = ELECTED;
    hopefulCount--;
    elected.push(c);
    electedStage.push(r);
    round.elected.push(names[c]);
  };
  const exclude = (c: number, round: Draft) => {
    state[c] = EXCLUDED;
    hopefulCount--;
    kf[c] = 0;
    round.excluded.push(names[c]);
  };

  let quota = 0;
  let surplus = 0;
  /**
   * The stage as the decision was taken on it: votes from the last
   * distribution (a candidate excluded at this stage still shows the vote
   * they were excluded on; earlier exclusions show 0), quota, total surplus,
   * keep factors of the elected.
   */
  const record = (round: Draft) => {
    const tally: Record<string, string> = {};
    const keepFactors: Record<string, string> = {};
    let sum = 0;
    for (let c = 0; c < n; c++) {
      if (state[c] === WITHDRAWN) continue;
      tally[names[c]] = formatScaled(votes[c], PLACES);
      sum += votes[c];
      if (state[c] === ELECTED) keepFactors[names[c]] = formatScaled(kf[c], PLACES);
    }
    rounds.push({
      ...round,
      tally,
      exhausted: formatScaled(exhausted, PLACES),
      residual: formatScaled(total - sum - exhausted, PLACES),
      quota: formatScaled(quota, PLACES),
      ...(round.action === "first" ? {} : { surplus: formatScaled(surplus, PLACES) }),
      keepFactors,
    });
    history.push(votes.slice());
  };

  /** B.2.c: elect every hopeful at or over the quota, highest vote first. */
  const electOnQuota = (r: number, round: Draft): boolean => {
    let reached: number[] = [];
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] >= quota) reached.push(c);
    const any = reached.length > 0;
    while (reached.length > 0) {
      let top = -1;
      for (const c of reached) if (votes[c] > top) top = votes[c];
      const tied = reached.filter((c) => votes[c] === top);
      const { chosen, note } = breakTie(tied, "highest", history, names, { seed: lotSeed, tieRank: lotRank, stage: r, purpose: "order of election" });
      if (note) round.notes.push(note);
      elect(chosen, r, round);
      reached = reached.filter((c) => c !== chosen);
    }
    return any;
  };

  /**
   * Option bulkExclusion (droop's "safe" batch defeat): the largest set of
   * lowest hopefuls whose votes together, plus the whole outstanding
   * surplus, are still below the next candidate up, so no further iteration
   * could save any of them. Candidates within the surplus of each other are
   * kept together.
   */
  const sureLosers = (): number[] => {
    const sorted: number[] = [];
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL) sorted.push(c);
    sorted.sort((a, b) => votes[a] - votes[b] || a - b);
    const groups: number[][] = [];
    let group: number[] = [];
    let base = 0;
    for (const c of sorted) {
      if (base + surplus >= votes[c]) group.push(c);
      else {
        if (group.length) groups.push(group);
        group = [c];
        base = votes[c];
      }
    }
    if (group.length) groups.push(group);
    const maxDefeat = hopefulCount - seatsLeft();
    let sum = 0;
    let count = 0;
    let maxg = -1;
    for (let g = 0; g < groups.length - 1; g++) {
      count += groups[g].length;
      if (count > maxDefeat) break;
      for (const c of groups[g]) sum += votes[c];
      if (sum + surplus < votes[groups[g + 1][0]]) maxg = g;
    }
    // Ballot order, as droop lists them.
    return groups.slice(0, maxg + 1).flat().sort((a, b) => a - b);
  };

  // --- Round 0: first preferences -------------------------------------------
  distribute();
  quota = quotaOf(held());
  record(draft(0, "first"));

  let r = 0;
  while (!complete()) {
    r++;
    let lastSurplus = total;
    let status: "elected" | "omega" | "stable" | "batch" = "stable";
    let batch: number[] = [];
    const round = draft(r, "surplus");
    for (let it = 0; ; it++) {
      distribute();
      quota = quotaOf(held());
      const any = electOnQuota(r, round);
      surplus = 0;
      for (const c of elected) surplus += votes[c] - quota;
      if (surplus < 0) surplus = 0;
      if (any) {
        status = "elected";
        break;
      }
      if (surplus < omega) {
        status = "omega";
        break;
      }
      if (surplus >= lastSurplus) {
        status = "stable";
        round.notes.push(`Iteration stopped: total surplus ${formatScaled(surplus, PLACES)} no longer decreasing.`);
        break;
      }
      if (bulk) {
        batch = sureLosers();
        if (batch.length > 1) {
          status = "batch";
          break;
        }
      }
      if (it >= maxIterations) {
        status = "stable";
        round.notes.push(`Iteration stopped after ${maxIterations} iterations.`);
        break;
      }
      lastSurplus = surplus;
      // B.2.f: kf := kf * quota / vote, each step rounded up, so an elected
      // candidate never falls below the quota by rounding.
      const q = BigInt(quota);
      for (const c of elected) {
        const kq = (BigInt(kf[c]) * q + SCALE_N - 1n) / SCALE_N;
        const v = BigInt(votes[c]);
        kf[c] = v === 0n ? kf[c] : Number((kq * SCALE_N + v - 1n) / v);
      }
    }

    if (status === "elected") {
      record(round);
      continue;
    }

    // B.3: exclude.
    const ex = draft(r, "exclude");
    ex.notes.push(...round.notes); // why the iteration stopped
    const reason = status === "stable" ? `stable surplus ${formatScaled(surplus, PLACES)}` : `surplus ${formatScaled(surplus, PLACES)} < omega ${formatScaled(omega, PLACES)}`;
    let out: number[];
    if (status === "batch") {
      ex.notes.push(`Sure losers excluded together (bulk exclusion; ${reason}): their votes plus the surplus cannot reach the next candidate.`);
      out = batch;
    } else {
      let low = Infinity;
      for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] < low) low = votes[c];
      const tied: number[] = [];
      for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] <= low + surplus) tied.push(c);
      let chosen: number;
      if (tieBreak === "order") {
        chosen = tied.reduce((a, b) => (tieRank[b] < tieRank[a] ? b : a));
        if (tied.length > 1) ex.notes.push(`Tie (exclusion) between ${tied.map((c) => names[c]).join(", ")} broken by tie order: ${names[chosen]}.`);
      } else {
        const t = breakTie(tied, "lowest", history, names, { seed: lotSeed, tieRank: lotRank, stage: r, purpose: "exclusion" });
        chosen = t.chosen;
        if (t.note) ex.notes.push(t.note);
      }
      ex.notes.push(`Excluded (${reason}).`);
      out = [chosen];
    }
    if (out.length === 1) ex.candidate = names[out[0]];
    for (const c of out) exclude(c, ex);
    // Recorded on the votes the decision was taken on; then the excluded
    // candidates' votes go to 0 and the next stage redistributes their papers.
    record(ex);
    for (const c of out) votes[c] = 0;
  }

  // C.1: fill any seats left with the remaining hopefuls (in ballot order).
  if (seatsLeft() > 0 && hopefulCount > 0) {
    const round = draft(r, "elect-remaining");
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL) elect(c, r, round);
    record(round);
  }

  return {
    method: "meek",
    title: e.title,
    seats,
    quota: Number(formatScaled(quota, PLACES, 5)),
    valid,
    elected: elected.map((c) => names[c]),
    electedStage,
    rounds,
  };
}
