import { describe, expect, it } from "vitest";
import {
  decideMotion,
  resultSummary,
  meetsThreshold,
  percentString,
  quorumRequired,
  tallyApproval,
  tallyPlurality,
  type MotionInput,
} from "./resolutions";

/** A quorate meeting of 100 eligible members; override what a test is about. */
function motion(over: Partial<MotionInput>): MotionInput {
  return {
    kind: "ordinary",
    eligibleMembers: 100,
    quorum: { minimumMembers: 10 },
    attendance: { inPerson: 8, online: 3, proxy: 1 },
    votes: { for: 0, against: 0, abstain: 0 },
    ...over,
  };
}

describe("quorum", () => {
  it("is the larger of the minimum and the percentage, rounding the percentage up", () => {
    expect(quorumRequired(95, { minimumMembers: 5, percentOfEligibleBasisPoints: 1000 })).toBe(10); // 9.5 -> 10
    expect(quorumRequired(100, { minimumMembers: 5, percentOfEligibleBasisPoints: 1000 })).toBe(10);
    expect(quorumRequired(101, { minimumMembers: 5, percentOfEligibleBasisPoints: 1000 })).toBe(11); // 10.1 -> 11
    expect(quorumRequired(30, { minimumMembers: 12, percentOfEligibleBasisPoints: 1000 })).toBe(12); // minimum wins
    expect(quorumRequired(30, { minimumMembers: 12 })).toBe(12);
    expect(() => quorumRequired(30, { minimumMembers: 1, percentOfEligibleBasisPoints: 10_001 })).toThrow();
  });

  it("counts members in person, online and by proxy, abstainers included", () => {
    const o = decideMotion(motion({ votes: { for: 6, against: 2, abstain: 4 } }));
    expect(o.present).toBe(12);
    expect(o.quorumMet).toBe(true);
    expect(o.quorumRequired).toBe(10);
    expect(o.reasons[0]).toBe("Quorum met: 12 members took part, 10 were needed.");
  });

  it("an inquorate meeting carries nothing, even unanimously", () => {
    const o = decideMotion(motion({ attendance: { inPerson: 5, online: 2, proxy: 2 }, votes: { for: 9, against: 0, abstain: 0 } }));
    expect(o.quorumMet).toBe(false);
    expect(o.thresholdMet).toBe(true);
    expect(o.passed).toBe(false);
    expect(o.reasons[0]).toBe("Quorum not met: 9 members took part, 10 were needed.");
    expect(o.reasons.at(-1)).toMatch(/^Not passed: the meeting was not quorate/);
  });
});

describe("ordinary resolutions", () => {
  it("pass with more than half of votes cast", () => {
    const o = decideMotion(motion({ votes: { for: 7, against: 5, abstain: 0 } }));
    expect(o).toMatchObject({ passed: true, thresholdMet: true, votesCast: 12, percentFor: "58.33" });
    expect(o.reasons.at(-1)).toBe("Passed: 58.33% for, an ordinary resolution needs more than half of the votes cast.");
  });

  it("fail on a tie", () => {
    const o = decideMotion(motion({ votes: { for: 6, against: 6, abstain: 0 } }));
    expect(o.passed).toBe(false);
    expect(o.percentFor).toBe("50.00");
    expect(o.reasons.at(-1)).toBe("Not passed: 50.00% for (a tie), an ordinary resolution needs more than half of the votes cast.");
  });

  it("do not count abstentions as votes cast", () => {
    // 5 for, 4 against, 10 abstentions: 5/9 of votes cast, so it passes even
    // though fewer than half of those voting supported it.
    const o = decideMotion(motion({ attendance: { inPerson: 19, online: 0, proxy: 0 }, votes: { for: 5, against: 4, abstain: 10 } }));
    expect(o).toMatchObject({ passed: true, votesCast: 9, abstain: 10, percentFor: "55.55" });
    expect(o.reasons[1]).toBe("5 for, 4 against, 10 abstentions (abstentions are not votes cast).");
  });

  it("fail when no votes are cast", () => {
    const o = decideMotion(motion({ votes: { for: 0, against: 0, abstain: 12 } }));
    expect(o.passed).toBe(false);
    expect(o.percentFor).toBe("0.00");
    expect(o.reasons.at(-1)).toMatch(/^Not passed: no votes were cast/);
  });
});

describe("special resolutions", () => {
  it("pass at exactly 75%", () => {
    const o = decideMotion(motion({ kind: "special", votes: { for: 75, against: 25, abstain: 0 } }));
    expect(o).toMatchObject({ passed: true, percentFor: "75.00" });
    expect(o.reasons.at(-1)).toBe("Passed: 75.00% for, a special resolution needs at least 75%.");
  });

  it("fail at 74%", () => {
    const o = decideMotion(motion({ kind: "special", votes: { for: 74, against: 26, abstain: 3 } }));
    expect(o.passed).toBe(false);
    expect(o.reasons.at(-1)).toBe("Not passed: 74.00% for, a special resolution needs at least 75%.");
  });

  it("fail just below 75% even when the display would round up (decided exactly, shown truncated)", () => {
    // 2999 / 3999 = 74.9937...%: must fail, and must not be shown as 75.00%.
    const o = decideMotion(motion({ kind: "special", votes: { for: 2999, against: 1000, abstain: 0 } }));
    expect(o.passed).toBe(false);
    expect(o.percentFor).toBe("74.99");
  });

  it("accept another threshold in basis points", () => {
    const two3 = motion({ kind: "special", thresholdBasisPoints: 6667, votes: { for: 2, against: 1, abstain: 0 } });
    // 2/3 = 66.666...% is below 66.67%.
    expect(decideMotion(two3).passed).toBe(false);
    expect(decideMotion(two3).reasons.at(-1)).toContain("at least 66.67%");
  });
});

describe("custom thresholds", () => {
  it("at least two thirds: exactly 2/3 passes", () => {
    const o = decideMotion(
      motion({ kind: "custom", threshold: { numerator: 2, denominator: 3, comparison: "at-least" }, votes: { for: 8, against: 4, abstain: 0 } }),
    );
    expect(o.passed).toBe(true);
    expect(o.reasons.at(-1)).toBe("Passed: 66.66% for, this resolution needs at least 2/3 (66.66%) of the votes cast.");
  });

  it("more than two thirds: exactly 2/3 fails", () => {
    const o = decideMotion(
      motion({ kind: "custom", threshold: { numerator: 2, denominator: 3, comparison: "more-than" }, votes: { for: 8, against: 4, abstain: 0 } }),
    );
    expect(o.passed).toBe(false);
  });

  it("requires a sensible threshold", () => {
    expect(() => decideMotion(motion({ kind: "custom" }))).toThrow(/threshold/);
    expect(() =>
      decideMotion(motion({ kind: "custom", threshold: { numerator: 3, denominator: 2, comparison: "at-least" } })),
    ).toThrow(/between 0 and 1/);
  });
});

describe("weighted votes", () => {
  it("sum integer weights per choice", () => {
    const o = decideMotion(
      motion({
        kind: "special",
        votes: [
          { choice: "for", weight: 30 },
          { choice: "for", weight: 45 },
          { choice: "against", weight: 25 },
          { choice: "abstain", weight: 100 },
          { choice: "for" }, // default weight 1
        ],
      }),
    );
    expect(o).toMatchObject({ for: 76, against: 25, abstain: 100, votesCast: 101, passed: true });
  });

  it("refuses fractional or negative weights", () => {
    expect(() => decideMotion(motion({ votes: [{ choice: "for", weight: 1.5 }] }))).toThrow(/whole number/);
    expect(() => decideMotion(motion({ votes: [{ choice: "for", weight: -1 }] }))).toThrow(/whole number/);
  });

  it("decides huge weights exactly (no floating point)", () => {
    // 3 x 2^51 vs 2^51 - 1 against would lose precision as a float ratio.
    const big = 2 ** 51;
    expect(meetsThreshold(3 * big, 4 * big, { numerator: 3, denominator: 4, comparison: "at-least" })).toBe(true);
    expect(meetsThreshold(3 * big - 1, 4 * big - 1, { numerator: 3, denominator: 4, comparison: "at-least" })).toBe(false);
  });
});

describe("percentString", () => {
  it("truncates to two decimals", () => {
    expect(percentString(1, 3)).toBe("33.33");
    expect(percentString(2, 3)).toBe("66.66");
    expect(percentString(1, 1)).toBe("100.00");
    expect(percentString(1, 200)).toBe("0.50");
    expect(percentString(0, 0)).toBe("0.00");
  });
});

describe("plurality", () => {
  const options = ["Ada", "Ben", "Cy", "Di"];
  it("elects the top n", () => {
    const o = tallyPlurality({
      options,
      winners: 2,
      ballots: [
        { choice: "Ada", weight: 5 },
        { choice: "Ben", weight: 3 },
        { choice: "Cy", weight: 4 },
        { choice: "Di" },
      ],
    });
    expect(o).toMatchObject({ winners: ["Ada", "Cy"], tied: [], decided: true, totalBallots: 13 });
    expect(o.counts).toEqual([
      { option: "Ada", votes: 5 },
      { option: "Cy", votes: 4 },
      { option: "Ben", votes: 3 },
      { option: "Di", votes: 1 },
    ]);
  });

  it("reports a tie for the last place instead of breaking it", () => {
    const o = tallyPlurality({
      options,
      winners: 2,
      ballots: [{ choice: "Ada", weight: 5 }, { choice: "Ben", weight: 3 }, { choice: "Cy", weight: 3 }],
    });
    expect(o).toMatchObject({ winners: ["Ada"], tied: ["Ben", "Cy"], seatsInTie: 1, decided: false });
  });

  it("reports a tie for first place in a single-winner vote", () => {
    const o = tallyPlurality({ options, ballots: [{ choice: "Ada" }, { choice: "Ben" }] });
    expect(o).toMatchObject({ winners: [], tied: ["Ada", "Ben"], seatsInTie: 1, decided: false });
  });

  it("elects everyone when there are no more options than places", () => {
    expect(tallyPlurality({ options: ["X", "Y"], winners: 3, ballots: [] })).toMatchObject({ winners: ["X", "Y"], decided: true });
  });

  it("refuses unknown options and duplicate option names", () => {
    expect(() => tallyPlurality({ options, ballots: [{ choice: "Eve" }] })).toThrow(/not one of the options/);
    expect(() => tallyPlurality({ options: ["A", "A"], ballots: [] })).toThrow(/distinct/);
  });
});

describe("approval", () => {
  const options = ["Red", "Green", "Blue"];
  it("counts each approval once per ballot and elects the most approved", () => {
    const o = tallyApproval({
      options,
      ballots: [
        { approve: ["Red", "Green"] },
        { approve: ["Green"], weight: 2 },
        { approve: ["Blue", "Red"] },
        { approve: [] },
      ],
    });
    expect(o.counts).toEqual([
      { option: "Green", votes: 3 },
      { option: "Red", votes: 2 },
      { option: "Blue", votes: 1 },
    ]);
    expect(o).toMatchObject({ winners: ["Green"], decided: true, totalBallots: 5, blank: 1 });
  });

  it("reports ties at the cut-off", () => {
    const o = tallyApproval({ options, winners: 2, ballots: [{ approve: ["Red", "Green", "Blue"] }, { approve: ["Red"] }] });
    expect(o).toMatchObject({ winners: ["Red"], tied: ["Green", "Blue"], seatsInTie: 1, decided: false });
  });

  it("refuses approving the same option twice", () => {
    expect(() => tallyApproval({ options, ballots: [{ approve: ["Red", "Red"] }] })).toThrow(/approved twice/);
  });
});

describe("result summaries (minutes and result emails)", () => {
  it("name the elected, or say carried / not carried with the reasons", () => {
    expect(resultSummary("Board", { elected: ["Ann", "Bob"] })).toBe("Board: elected Ann, Bob.");
    expect(resultSummary("Board", { elected: [] })).toBe("Board: elected nobody.");
    expect(resultSummary("Accounts", { passed: true, reasons: ["Quorum met.", "Threshold met."] })).toBe("Accounts: CARRIED. Quorum met. Threshold met.");
    expect(resultSummary("Rules", { passed: false, reasons: ["Quorum not met."] })).toBe("Rules: NOT CARRIED. Quorum not met.");
  });
});
