/**
 * Seeded random elections, for the speed test and the bench. Each ballot is
 * its own line of weight 1 (nothing pre-compressed), ranking a random number
 * of candidates in a random order biased towards a few popular candidates, so
 * that surpluses, exclusions and exhausted papers all occur.
 */
import type { BltElection } from "./blt";
import { mulberry32 } from "./common";

export interface RandomElectionOptions {
  ballots: number;
  candidates: number;
  seats: number;
  seed?: number;
  /** Shortest and longest ranking (defaults 1 and all candidates). */
  minRank?: number;
  maxRank?: number;
}

export function randomElection(o: RandomElectionOptions): BltElection {
  const rand = mulberry32(o.seed ?? 1);
  const nc = o.candidates;
  const minRank = Math.max(1, o.minRank ?? 1);
  const maxRank = Math.min(nc, o.maxRank ?? nc);
  // Popularity weights so the count is not a flat tie: candidate i ~ 1/(i+1).
  const popularity = Array.from({ length: nc }, (_, i) => 1 / (1 + ((i * 7) % nc)));
  const ballots = new Array(o.ballots);
  const pool: number[] = [];
  const wts: number[] = [];
  for (let b = 0; b < o.ballots; b++) {
    const len = minRank + Math.floor(rand() * (maxRank - minRank + 1));
    pool.length = 0;
    wts.length = 0;
    for (let c = 0; c < nc; c++) {
      pool.push(c);
      wts.push(popularity[c]);
    }
    let sum = wts.reduce((a, x) => a + x, 0);
    const prefs: number[] = [];
    // Weighted sampling without replacement.
    for (let k = 0; k < len; k++) {
      let x = rand() * sum;
      let i = 0;
      while (i < pool.length - 1 && x >= wts[i]) x -= wts[i++];
      prefs.push(pool[i]);
      sum -= wts[i];
      pool.splice(i, 1);
      wts.splice(i, 1);
    }
    ballots[b] = { weight: 1, prefs };
  }
  return {
    title: `Random election (${o.ballots} ballots, seed ${o.seed ?? 1})`,
    seats: o.seats,
    candidates: Array.from({ length: nc }, (_, i) => `Candidate ${i + 1}`),
    withdrawn: [],
    ballots,
  };
}
