/**
 * Meek's method of STV (B. L. Meek 1969; Hill, Wichmann & Woodall, "Algorithm
 * 123", Computer Journal 1987; the New Zealand Local Electoral Regulations
 * Schedule 1A; droop's `meek` rule). Every candidate has a keep factor:
 * 1 while hopeful, 0 once excluded, and for an elected candidate the fraction
 * of each vote reaching them that they keep, the rest passing down the paper.
 * Keep factors are adjusted until every elected candidate holds (just) a quota.
 *
 * Each round:
 *  1. Distribute every paper: at each ranked candidate keep weight * kf,
 *     pass on weight * (1 - kf) (both truncated), stop at a hopeful candidate.
 *  2. Quota = (total votes held by candidates) / (seats + 1) + 10^-9, i.e. the
 *     Droop quota recomputed on the votes not yet exhausted; rounded up so that
 *     reaching it (votes >= quota) is enough.
 *  3. Elect hopefuls at or over the quota; if any, the round ends.
 *  4. Stop iterating when the total surplus is <= omega (default 0.00001), or
 *     stops decreasing, or a batch of "sure losers" can be excluded.
 *  5. Otherwise kf := kf * quota / votes (each step rounded up, the NZ
 *     variant droop uses) and go back to 1.
 *  If the iteration ends without electing anyone, exclude the lowest hopeful
 *  (or the batch of sure losers) and start another round.
 *
 * Arithmetic: fixed point with 9 decimals (units of 10^-9) held in JS numbers.
 * The hot multiplication weight * kf is done exactly with a split product
 * (see mulDown), the rare ones that can exceed 2^53 in bigint. Totals stay
 * exact below 9,000,000 ballots, which is checked.
 *
 * Choices where descriptions differ:
 *  - Candidates whose votes are within the outstanding surplus of the lowest
 *    are treated as tied for exclusion (as droop does, since the order among
 *    them is not settled); the tie is broken by the most recent earlier round
 *    at which one of them was lowest, otherwise by a seeded lot.
 *  - Those with a quota on first preferences are elected at round 0 (droop
 *    does it in the first iteration of round 1, with identical votes).
 */
import type { BltElection } from "./blt";
import {
  breakTie,
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
  /** Iteration stops once the total surplus is at most 10^-omegaPlaces. Default 5 (0.00001). */
  omegaPlaces?: number;
  /** Safety cap on iterations in one round (a stable surplus normally stops it long before). */
  maxIterations?: number;
}

/** Exact floor(a * b / 10^9) for 0 <= a, b < 2^31, without leaving safe integers. */
export function mulDown(a: number, b: number): number {
  // Split b into high and low 16 bits so each partial product stays < 2^47.
  const bh = Math.floor(b / 65536);
  const bl = b - bh * 65536;
  const x = a * bh;
  let qx = Math.floor(x / SCALE);
  let rx = x - qx * SCALE;
  if (rx < 0) { qx--; rx += SCALE; } else if (rx >= SCALE) { qx++; rx -= SCALE; }
  const y = rx * 65536 + a * bl; // < 2^48
  let qy = Math.floor(y / SCALE);
  const ry = y - qy * SCALE;
  // Float division of integers this small is at most one off; correct it.
  if (ry < 0) qy--; else if (ry >= SCALE) qy++;
  return qx * 65536 + qy;
}

export function countMeek(e: BltElection, options: MeekOptions = {}): StvResult {
  const names = e.candidates;
  const n = names.length;
  const seats = e.seats;
  const lotSeed = options.lotSeed ?? defaultLotSeed(e.title, names);
  const omegaPlaces = options.omegaPlaces ?? 5;
  if (!Number.isInteger(omegaPlaces) || omegaPlaces < 0 || omegaPlaces > PLACES) {
    throw new RangeError(`omegaPlaces must be a whole number from 0 to ${PLACES}`);
  }
  const omega = 10 ** (PLACES - omegaPlaces);
  const maxIterations = options.maxIterations ?? 100_000;

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

  /** Step 1: distribute every paper under the current keep factors. */
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
        if (k === SCALE) {
          votes[c] += weight * count;
          weight = 0;
        } else {
          votes[c] += mulDown(weight, k) * count;
          weight = mulDown(weight, SCALE - k);
        }
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

  let quota = quotaOf(total);
  const record = (round: Draft) => {
    const tally: Record<string, string> = {};
    const keepFactors: Record<string, string> = {};
    let sum = 0;
    for (let c = 0; c < n; c++) {
      if (state[c] === WITHDRAWN) continue;
      const v = state[c] === EXCLUDED ? 0 : votes[c];
      tally[names[c]] = formatScaled(v, PLACES, 5);
      sum += v;
      if (state[c] === ELECTED) keepFactors[names[c]] = formatScaled(kf[c], PLACES);
    }
    rounds.push({
      ...round,
      tally,
      exhausted: formatScaled(exhausted, PLACES, 5),
      residual: formatScaled(total - sum - exhausted, PLACES, 5),
      quota: formatScaled(quota, PLACES),
      keepFactors,
    });
    history.push(votes.slice());
  };

  /** Elect every hopeful at or over the quota, highest first. */
  const electOnQuota = (r: number, round: Draft): boolean => {
    let reached: number[] = [];
    for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] >= quota) reached.push(c);
    const any = reached.length > 0;
    while (reached.length > 0) {
      let top = -1;
      for (const c of reached) if (votes[c] > top) top = votes[c];
      const tied = reached.filter((c) => votes[c] === top);
      const { chosen, note } = breakTie(tied, "highest", history, names, { seed: lotSeed, stage: r, purpose: "order of election" });
      if (note) round.notes.push(note);
      elect(chosen, r, round);
      reached = reached.filter((c) => c !== chosen);
    }
    return any;
  };

  /**
   * droop's "safe" batch exclusion: the largest set of lowest hopefuls whose
   * votes together, plus the whole outstanding surplus, are still below the
   * next candidate up, so no further iteration could save any of them.
   * Candidates within the surplus of each other are kept together.
   */
  const sureLosers = (surplus: number): number[] => {
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
  let r = 0;
  {
    const round = draft(0, "first");
    electOnQuota(0, round);
    record(round);
  }

  while (!complete()) {
    r++;
    let lastSurplus = total;
    let status: "elected" | "omega" | "stable" | "batch" = "stable";
    let batch: number[] = [];
    let surplus = 0;
    const round = draft(r, "surplus");
    for (let it = 0; ; it++) {
      distribute();
      quota = quotaOf(held());
      if (electOnQuota(r, round)) {
        status = "elected";
        break;
      }
      surplus = 0;
      for (const c of elected) surplus += votes[c] - quota;
      if (surplus <= omega) {
        status = "omega";
        // Only worth saying when there were surpluses to settle.
        if (elected.length > 0) round.notes.push(
          `Converged after ${it + 1} iteration${it === 0 ? "" : "s"}: total surplus ${formatScaled(Math.max(surplus, 0), PLACES)} <= ${formatScaled(omega, PLACES)}.`,
        );
        break;
      }
      if (surplus >= lastSurplus) {
        status = "stable";
        round.notes.push(`Iteration stopped: surplus ${formatScaled(surplus, PLACES)} no longer decreasing.`);
        break;
      }
      batch = sureLosers(surplus);
      if (batch.length > 0) {
        status = "batch";
        break;
      }
      if (it >= maxIterations) {
        status = "stable";
        round.notes.push(`Iteration stopped after ${maxIterations} iterations.`);
        break;
      }
      lastSurplus = surplus;
      // Step 5: new keep factors, each step rounded up (NZ / droop variant)
      // so an elected candidate never drops below the quota by rounding.
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

    const ex = draft(r, "exclude");
    ex.notes.push(...round.notes); // why the iteration stopped
    if (status === "batch") {
      ex.notes.push(`Sure losers excluded together: their votes plus the surplus cannot reach the next candidate.`);
      for (const c of batch) exclude(c, ex);
      if (batch.length === 1) ex.candidate = names[batch[0]];
    } else {
      let low = Infinity;
      for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] < low) low = votes[c];
      const tied: number[] = [];
      for (let c = 0; c < n; c++) if (state[c] === HOPEFUL && votes[c] <= low + Math.max(surplus, 0)) tied.push(c);
      const { chosen, note } = breakTie(tied, "lowest", history, names, { seed: lotSeed, stage: r, purpose: "exclusion" });
      if (note) ex.notes.push(note);
      ex.candidate = names[chosen];
      exclude(chosen, ex);
    }
    // Redistribute so the round shows where the excluded candidates' votes went.
    distribute();
    quota = quotaOf(held());
    record(ex);
  }

  // Fill any seats left with the remaining hopefuls (in ballot order).
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
