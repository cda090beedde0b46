/**
 * Outcomes of votes at general meetings: resolutions (ordinary, special,
 * custom thresholds, with a quorum), plurality elections and approval votes.
 *
 * Pure and exact: every decision is an integer comparison (thresholds by
 * cross-multiplication in bigint), never a floating-point percentage. The
 * percentage shown to people is computed afterwards, truncated to 2 decimals,
 * and is for display only.
 *
 * Conventions (the usual ones in co-operative rules; check the society's own):
 *  - Votes cast = for + against. Abstentions (and spoilt papers) are not votes
 *    cast: they neither help nor hinder a resolution, but abstainers who are
 *    present still count towards the quorum.
 *  - Ordinary resolution: more than half of the votes cast. A tie fails.
 *  - Special resolution: at least 75% of the votes cast (configurable).
 *  - Quorum: the larger of a minimum number of members and a percentage of
 *    the eligible membership (rounded up: 10% of 95 members is 10, not 9.5),
 *    counting members present in person, online, or represented by proxy.
 *  - Weighted votes (e.g. one vote per share class unit) are whole numbers;
 *    the quorum always counts members, not weights.
 */

export type ResolutionKind = "ordinary" | "special" | "custom";

export interface Threshold {
  numerator: number;
  denominator: number;
  /** "at-least": for/cast >= n/d. "more-than": for/cast > n/d. */
  comparison: "at-least" | "more-than";
}

export interface QuorumRule {
  /** Minimum number of members who must take part. */
  minimumMembers: number;
  /** Percentage of eligible members, in basis points (1000 = 10%). Default 0. */
  percentOfEligibleBasisPoints?: number;
}

export interface Attendance {
  inPerson: number;
  online: number;
  /** Members represented by a proxy (each counted once). */
  proxy: number;
}

export type VoteChoice = "for" | "against" | "abstain";

export interface CastVote {
  choice: VoteChoice;
  /** Whole-number weight, default 1. */
  weight?: number;
}

export interface MotionInput {
  kind: ResolutionKind;
  /** Special resolutions: required share of votes cast, basis points. Default 7500 (75%). */
  thresholdBasisPoints?: number;
  /** Custom resolutions: the threshold. Required when kind is "custom". */
  threshold?: Threshold;
  /** Members eligible to vote (the base for the quorum percentage). */
  eligibleMembers: number;
  quorum: QuorumRule;
  attendance: Attendance;
  /** Either the individual votes (weights allowed) or the totals. */
  votes: CastVote[] | { for: number; against: number; abstain: number };
}

export interface MotionOutcome {
  passed: boolean;
  quorumMet: boolean;
  quorumRequired: number;
  present: number;
  for: number;
  against: number;
  abstain: number;
  votesCast: number;
  /** for / votesCast as a percentage, truncated to 2 decimals ("74.99"). "0.00" if nothing was cast. */
  percentFor: string;
  thresholdMet: boolean;
  /** Plain-English sentences explaining the result, quorum first. */
  reasons: string[];
}

function wholeNumber(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${v}`);
  return v;
}

/** ceil(a * b / c) for non-negative integers, exactly. */
function ceilMulDiv(a: number, b: number, c: number): number {
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  return Number((num + den - 1n) / den);
}

/** Quorum needed: max(minimum, ceil(eligible * percent)). */
export function quorumRequired(eligibleMembers: number, rule: QuorumRule): number {
  wholeNumber(eligibleMembers, "eligibleMembers");
  wholeNumber(rule.minimumMembers, "quorum.minimumMembers");
  const bp = wholeNumber(rule.percentOfEligibleBasisPoints ?? 0, "quorum.percentOfEligibleBasisPoints");
  if (bp > 10_000) throw new RangeError("quorum percentage cannot exceed 100%");
  return Math.max(rule.minimumMembers, ceilMulDiv(eligibleMembers, bp, 10_000));
}

/** for/cast as a percentage string with 2 decimals, truncated (never rounded up past a threshold). */
export function percentString(part: number, whole: number): string {
  if (whole === 0) return "0.00";
  const hundredths = (BigInt(part) * 10_000n) / BigInt(whole);
  const s = hundredths.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** "75%", "66.67%": basis points as a short percentage. */
function bpLabel(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? `${whole}%` : `${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}%`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Resolve the kind into one exact threshold and a phrase for people. */
function thresholdFor(input: MotionInput): { t: Threshold; phrase: string } {
  switch (input.kind) {
    case "ordinary":
      return {
        t: { numerator: 1, denominator: 2, comparison: "more-than" },
        phrase: "an ordinary resolution needs more than half of the votes cast",
      };
    case "special": {
      const bp = wholeNumber(input.thresholdBasisPoints ?? 7500, "thresholdBasisPoints");
      if (bp < 1 || bp > 10_000) throw new RangeError("thresholdBasisPoints must be between 1 and 10000");
      return {
        t: { numerator: bp, denominator: 10_000, comparison: "at-least" },
        phrase: `a special resolution needs at least ${bpLabel(bp)}`,
      };
    }
    case "custom": {
      const t = input.threshold;
      if (!t) throw new RangeError("a custom resolution needs a threshold");
      wholeNumber(t.numerator, "threshold.numerator");
      wholeNumber(t.denominator, "threshold.denominator");
      if (t.denominator === 0 || t.numerator > t.denominator) {
        throw new RangeError("threshold must be a fraction between 0 and 1 with a non-zero denominator");
      }
      const pct = percentString(t.numerator, t.denominator).replace(/\.00$/, "");
      return {
        t,
        phrase: `this resolution needs ${t.comparison === "at-least" ? "at least" : "more than"} ${t.numerator}/${t.denominator} (${pct}%) of the votes cast`,
      };
    }
    default:
      throw new RangeError(`unknown resolution kind "${String((input as { kind: unknown }).kind)}"`);
  }
}

/** Does for/cast meet the threshold? Cross-multiplied, so exact. */
export function meetsThreshold(votesFor: number, votesCast: number, t: Threshold): boolean {
  if (votesCast === 0) return false; // nothing cast: nothing can be carried
  const lhs = BigInt(votesFor) * BigInt(t.denominator);
  const rhs = BigInt(t.numerator) * BigInt(votesCast);
  return t.comparison === "at-least" ? lhs >= rhs : lhs > rhs;
}

export function decideMotion(input: MotionInput): MotionOutcome {
  const a = input.attendance;
  const present =
    wholeNumber(a.inPerson, "attendance.inPerson") +
    wholeNumber(a.online, "attendance.online") +
    wholeNumber(a.proxy, "attendance.proxy");
  const needed = quorumRequired(input.eligibleMembers, input.quorum);
  const quorumMet = present >= needed;

  let vFor = 0;
  let vAgainst = 0;
  let vAbstain = 0;
  if (Array.isArray(input.votes)) {
    for (const v of input.votes) {
      const w = wholeNumber(v.weight ?? 1, "vote weight");
      if (v.choice === "for") vFor += w;
      else if (v.choice === "against") vAgainst += w;
      else if (v.choice === "abstain") vAbstain += w;
      else throw new RangeError(`unknown vote choice "${String(v.choice)}"`);
    }
  } else {
    vFor = wholeNumber(input.votes.for, "votes.for");
    vAgainst = wholeNumber(input.votes.against, "votes.against");
    vAbstain = wholeNumber(input.votes.abstain, "votes.abstain");
  }
  if (!Number.isSafeInteger(vFor + vAgainst + vAbstain)) throw new RangeError("vote totals are too large");
  const votesCast = vFor + vAgainst;

  const { t, phrase } = thresholdFor(input);
  const thresholdMet = meetsThreshold(vFor, votesCast, t);
  const percentFor = percentString(vFor, votesCast);
  const passed = quorumMet && thresholdMet;

  const reasons: string[] = [];
  const took = `${plural(present, "member", "members")} took part, ${needed} ${needed === 1 ? "was" : "were"} needed`;
  reasons.push(quorumMet ? `Quorum met: ${took}.` : `Quorum not met: ${took}.`);
  reasons.push(
    `${vFor} for, ${vAgainst} against, ${plural(vAbstain, "abstention", "abstentions")}` +
      (vAbstain > 0 ? " (abstentions are not votes cast)." : "."),
  );
  const tie = votesCast > 0 && vFor === vAgainst ? " (a tie)" : "";
  if (votesCast === 0) {
    reasons.push(`Not passed: no votes were cast for or against; ${phrase}.`);
  } else if (!quorumMet) {
    reasons.push(
      `Not passed: the meeting was not quorate (${percentFor}% for${tie}; ${phrase}` +
        `${thresholdMet ? ", which would otherwise have been met" : ""}).`,
    );
  } else {
    reasons.push(`${passed ? "Passed" : "Not passed"}: ${percentFor}% for${tie}, ${phrase}.`);
  }
  return {
    passed,
    quorumMet,
    quorumRequired: needed,
    present,
    for: vFor,
    against: vAgainst,
    abstain: vAbstain,
    votesCast,
    percentFor,
    thresholdMet,
    reasons,
  };
}

// ---------------------------------------------------------------------------
// Plurality and approval tallies
// ---------------------------------------------------------------------------

export interface TallyEntry {
  option: string;
  votes: number;
}

export interface TallyOutcome {
  /** Every option, most votes first; ties keep the order options were given in. */
  counts: TallyEntry[];
  /** Options certainly elected (strictly ahead of everyone outside the winning places). */
  winners: string[];
  /**
   * Options tied for the last winning place(s). Empty when the result is
   * decided; otherwise `seatsInTie` places must be settled among them
   * (by lot, a run-off, or whatever the rules say). Nothing is decided here.
   */
  tied: string[];
  seatsInTie: number;
  decided: boolean;
  totalBallots: number;
  /** Sum of weights of ballots that marked nothing (approval) — for reporting. */
  blank: number;
}

function rankOptions(options: string[], counts: Map<string, number>, seats: number, totalBallots: number, blank: number): TallyOutcome {
  if (!Number.isSafeInteger(seats) || seats < 1) throw new RangeError("number of winners must be a whole number >= 1");
  const entries = options.map((option, i) => ({ option, votes: counts.get(option) ?? 0, i }));
  entries.sort((a, b) => b.votes - a.votes || a.i - b.i);
  const out = entries.map(({ option, votes }) => ({ option, votes }));
  if (seats >= entries.length) {
    return { counts: out, winners: entries.map((e) => e.option), tied: [], seatsInTie: 0, decided: true, totalBallots, blank };
  }
  // The vote of the last winning place, and of the first losing place: if
  // they are equal, everyone on that vote is tied for the remaining places.
  const cutoff = entries[seats - 1].votes;
  if (entries[seats].votes !== cutoff) {
    return { counts: out, winners: entries.slice(0, seats).map((e) => e.option), tied: [], seatsInTie: 0, decided: true, totalBallots, blank };
  }
  const winners = entries.filter((e) => e.votes > cutoff).map((e) => e.option);
  const tied = entries.filter((e) => e.votes === cutoff).map((e) => e.option);
  return { counts: out, winners, tied, seatsInTie: seats - winners.length, decided: false, totalBallots, blank };
}

function checkOptions(options: string[]) {
  if (options.length === 0) throw new RangeError("there must be at least one option");
  if (new Set(options).size !== options.length) throw new RangeError("options must be distinct");
}

/**
 * First-past-the-post with `winners` places: each ballot marks one option.
 * Ties at the boundary are reported, not broken.
 */
export function tallyPlurality(input: { options: string[]; winners?: number; ballots: { choice: string; weight?: number }[] }): TallyOutcome {
  checkOptions(input.options);
  const known = new Set(input.options);
  const counts = new Map<string, number>();
  let total = 0;
  for (const b of input.ballots) {
    if (!known.has(b.choice)) throw new RangeError(`"${b.choice}" is not one of the options`);
    const w = wholeNumber(b.weight ?? 1, "ballot weight");
    counts.set(b.choice, (counts.get(b.choice) ?? 0) + w);
    total += w;
  }
  return rankOptions(input.options, counts, input.winners ?? 1, total, 0);
}

/**
 * Approval voting: each ballot approves any number of options (each at most
 * once); the options with most approvals win. Ties at the boundary are reported.
 */
export function tallyApproval(input: { options: string[]; winners?: number; ballots: { approve: string[]; weight?: number }[] }): TallyOutcome {
  checkOptions(input.options);
  const known = new Set(input.options);
  const counts = new Map<string, number>();
  let total = 0;
  let blank = 0;
  input.ballots.forEach((b, i) => {
    const w = wholeNumber(b.weight ?? 1, "ballot weight");
    const seen = new Set<string>();
    for (const o of b.approve) {
      if (!known.has(o)) throw new RangeError(`ballot ${i + 1}: "${o}" is not one of the options`);
      if (seen.has(o)) throw new RangeError(`ballot ${i + 1}: "${o}" approved twice`);
      seen.add(o);
      counts.set(o, (counts.get(o) ?? 0) + w);
    }
    if (seen.size === 0) blank += w;
    total += w;
  });
  return rankOptions(input.options, counts, input.winners ?? 1, total, blank);
}

/**
 * A certified result in one line, for the minutes and the result email: an
 * election names who was elected; a resolution says carried or not carried
 * and why (quorum and threshold, as decideMotion explains them).
 */
export function resultSummary(title: string, outcome: { elected: string[] } | { passed: boolean; reasons: string[] }): string {
  if ("elected" in outcome) return `${title}: elected ${outcome.elected.join(", ") || "nobody"}.`;
  return `${title}: ${outcome.passed ? "CARRIED" : "NOT CARRIED"}. ${outcome.reasons.join(" ")}`;
}
