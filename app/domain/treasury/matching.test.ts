import { describe, expect, it } from "vitest";
import { nameKey, nameSimilarity, payerNameKeys, proposeForLine, quotedReferences, splitProblem, type Candidate, type MatchTarget } from "./matching";

const member = (over: Partial<Extract<MatchTarget, { kind: "member" }>> = {}): Extract<MatchTarget, { kind: "member" }> => ({
  kind: "member", memberId: "m-1", memberNumber: 45, name: "Jane Smith", status: "admitted", parValue: 100n, className: "Ordinary", ...over,
});
const loan = (over: Partial<Extract<MatchTarget, { kind: "loan" }>> = {}): Extract<MatchTarget, { kind: "loan" }> => ({
  kind: "loan", loanId: "l-1", reference: 7, name: "Ribble Valley Bakers Ltd", status: "active", installment: 10_662n, outstanding: 120_000n, ...over,
});
const line = (amountMinor: bigint, payerName: string | null = null) => ({ amountMinor, currency: "GBP", payerName });

describe("quotedReferences", () => {
  it("reads member and loan references however they are typed", () => {
    expect(quotedReferences("M00045")).toEqual({ memberNumbers: [45], loanReferences: [] });
    expect(quotedReferences("m 45")).toEqual({ memberNumbers: [45], loanReferences: [] });
    expect(quotedReferences("SHARES M-0045 THANKS")).toEqual({ memberNumbers: [45], loanReferences: [] });
    expect(quotedReferences("Member no. 45")).toEqual({ memberNumbers: [45], loanReferences: [] });
    expect(quotedReferences("L00007")).toEqual({ memberNumbers: [], loanReferences: [7] });
    expect(quotedReferences("loan 7 june")).toEqual({ memberNumbers: [], loanReferences: [7] });
    expect(quotedReferences("LN7")).toEqual({ memberNumbers: [], loanReferences: [7] });
    expect(quotedReferences("GREENFIELD CIC L0003", null, undefined)).toEqual({ memberNumbers: [], loanReferences: [3] });
    expect(quotedReferences("M45 L7")).toEqual({ memberNumbers: [45], loanReferences: [7] });
  });

  it("takes no bare number, no letter inside a word, no zero", () => {
    expect(quotedReferences("INVOICE 2231")).toEqual({ memberNumbers: [], loanReferences: [] });
    expect(quotedReferences("FLAT 7 HOLM 12")).toEqual({ memberNumbers: [], loanReferences: [] });
    expect(quotedReferences("M00000")).toEqual({ memberNumbers: [], loanReferences: [] });
    expect(quotedReferences("A4 M4A")).toEqual({ memberNumbers: [], loanReferences: [] });
  });
});

describe("names", () => {
  it("compares names whatever the order, with initials and titles", () => {
    expect(nameSimilarity("JANE SMITH", "Jane Smith")).toBe(1);
    expect(nameSimilarity("SMITH J", "Jane Smith")).toBeGreaterThanOrEqual(0.8);
    expect(nameSimilarity("MRS J SMITH", "Jane Smith")).toBeGreaterThanOrEqual(0.8);
    expect(nameSimilarity("RIBBLE VALLEY BAKERS", "Ribble Valley Bakers Ltd")).toBe(1);
    expect(nameSimilarity("J BROWN", "Jane Smith")).toBe(0);
    expect(nameSimilarity("AVENHAM PRINT COOPERATIVE", "Avenham Print Co-operative")).toBe(1);
    expect(nameSimilarity("ASHTON KITCHEN CAFE", "Ashton Kitchen & Café")).toBe(1);
    expect(nameSimilarity("", "Jane Smith")).toBe(0);
    expect(nameSimilarity("JOHN SMITH", "Jane Smith")).toBe(0.5);
  });

  it("keys a name by first letter and last word, and a payer's every way round", () => {
    expect(nameKey("Jane Smith")).toBe("J SMITH");
    expect(nameKey("jane o'neill-smith.")).toBe("J SMITH");
    expect(payerNameKeys("MRS SMITH J")).toEqual(expect.arrayContaining(["J SMITH"]));
    expect(payerNameKeys(null)).toEqual([]);
  });
});

describe("proposeForLine", () => {
  it("is sure of a member reference with a whole number of shares and the member's name", () => {
    const [p] = proposeForLine(line(5_000n, "J SMITH"), [{ via: "member-reference", target: member() }]);
    expect(p.certainty).toBe("sure");
    expect(p.reason).toBe("Quotes member reference M00045, the payer J SMITH is Jane Smith; £50.00 buys 50 shares");
  });

  it("only suggests a member reference when the name or the amount disagrees, and says why", () => {
    const [other] = proposeForLine(line(5_000n, "P JONES"), [{ via: "member-reference", target: member() }]);
    expect(other.certainty).toBe("suggested");
    expect(other.reason).toContain("but the payer P JONES is not Jane Smith");
    const [odd] = proposeForLine(line(5_050n, "JANE SMITH"), [{ via: "member-reference", target: member() }]);
    expect(odd.certainty).toBe("suggested");
    expect(odd.reason).toContain("£50.50 is not a whole number of £1.00 shares");
    const [applied] = proposeForLine(line(5_000n), [{ via: "member-reference", target: member({ status: "applied" }) }]);
    expect(applied.certainty).toBe("suggested");
    expect(applied.reason).toContain("not yet admitted");
  });

  it("is sure of a loan reference, and of an installment to the penny from the borrower's name", () => {
    expect(proposeForLine(line(10_662n), [{ via: "loan-reference", target: loan() }])[0]).toMatchObject({ certainty: "sure", reason: "Quotes loan reference L00007, the bank gives no payer name; £106.62 is the installment" });
    expect(proposeForLine(line(10_662n, "RIBBLE VALLEY BAKERS"), [{ via: "loan-amount", target: loan() }])[0].certainty).toBe("sure");
    expect(proposeForLine(line(10_662n, "SOMEONE ELSE"), [{ via: "loan-amount", target: loan() }])).toEqual([]);
    expect(proposeForLine(line(500_000n), [{ via: "loan-reference", target: loan() }])[0]).toMatchObject({ certainty: "suggested" });
    expect(proposeForLine(line(10_662n), [{ via: "loan-reference", target: loan({ status: "closed" }) }])[0].reason).toContain("Loan L00007 is closed");
  });

  it("never proposes a name alone as sure", () => {
    const [p] = proposeForLine(line(2_000n, "JANE SMITH"), [{ via: "member-name", target: member() }]);
    expect(p).toMatchObject({ certainty: "suggested", reason: "No reference; the payer's name is like Jane Smith's; £20.00 buys 20 shares" });
  });

  it("makes nothing sure when two candidates would be, and orders suggestions best first", () => {
    const both: Candidate[] = [
      { via: "member-reference", target: member() },
      { via: "loan-reference", target: loan({ name: "Jane Smith" }) },
    ];
    const ps = proposeForLine(line(10_000n, "JANE SMITH"), both);
    expect(ps.map((p) => p.certainty)).toEqual(["suggested", "suggested"]);
    expect(ps[0].reason).toContain("It could also be");
    const ranked = proposeForLine(line(2_000n, "JANE SMITH"), [
      { via: "member-name", target: member({ memberId: "m-2", memberNumber: 46, name: "Jane Smithson" }) },
      { via: "member-name", target: member() },
    ]);
    expect(ranked.map((p) => (p.target.kind === "member" ? p.target.memberNumber : 0))).toEqual([45, 46]);
  });
});

describe("splitProblem", () => {
  it("wants parts above zero that add up to the line exactly", () => {
    expect(splitProblem(10_000n, [{ amountMinor: 6_000n }, { amountMinor: 4_000n }], "GBP")).toBeNull();
    expect(splitProblem(10_000n, [{ amountMinor: 6_000n }, { amountMinor: 5_000n }], "GBP")).toBe("The parts add up to £110.00, but the line is £100.00: they must add up to the line exactly.");
    expect(splitProblem(10_000n, [{ amountMinor: 10_000n }, { amountMinor: 0n }], "GBP")).toMatch(/more than zero/);
    expect(splitProblem(-500n, [{ amountMinor: -500n }], "GBP")).toMatch(/Only money paid in/);
    expect(splitProblem(500n, [], "GBP")).toMatch(/Choose/);
  });
});

describe("amounts in the reasons", () => {
  it("are written in the organisation's locale when it is given, en-GB when not", () => {
    const euro = { amountMinor: 123_400n, currency: "EUR", payerName: "J SMITH" };
    const target = member({ parValue: 100n });
    expect(proposeForLine(euro, [{ via: "member-reference", target }])[0].reason).toContain("€1,234.00 buys 1234 shares");
    expect(proposeForLine({ ...euro, locale: "de-DE" }, [{ via: "member-reference", target }])[0].reason).toContain("1.234,00\u00a0€ buys 1234 shares");
    expect(splitProblem(10_000n, [{ amountMinor: 11_000n }], { currency: "EUR", locale: "fr-FR" })).toBe("The parts add up to 110,00\u00a0€, but the line is 100,00\u00a0€: they must add up to the line exactly.");
  });
});
