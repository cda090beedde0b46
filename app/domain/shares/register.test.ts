import { describe, expect, it } from "vitest";
import { holdingsAsAt, type ShareTransaction } from "./holdings";
import { registerAsAt, type RegisterMember } from "./register";

const members: RegisterMember[] = [
  { id: "a", memberNumber: "10", name: "Ada Lovelace", address: "1 Fishergate, Preston", email: "ada@example.org", joinedOn: "2024-05-01" },
  { id: "b", memberNumber: "2", name: "Preston Food Co-op Ltd", address: "2 Church St, Preston", joinedOn: "2024-05-01", ceasedOn: "2025-06-30" },
  { id: "c", memberNumber: "30", name: "Late Joiner", address: "3 Friargate, Preston", joinedOn: "2026-02-01" },
  { id: "d", memberNumber: "4", name: "Early Bird", address: "4 Lune St, Preston", email: null, joinedOn: "2023-01-15", ceasedOn: "2026-06-30" },
];

const ledger: ShareTransaction[] = [
  { id: "1", memberId: "a", classId: "community", kind: "purchase", shares: 250, amount: 25_000n, effectiveOn: "2024-05-01" },
  { id: "2", memberId: "a", classId: "founder", kind: "purchase", shares: 1, amount: 100n, effectiveOn: "2024-05-01" },
  { id: "3", memberId: "b", classId: "community", kind: "purchase", shares: 100, amount: 10_000n, effectiveOn: "2024-05-01" },
  { id: "4", memberId: "b", classId: "community", kind: "withdrawal", shares: 100, amount: 10_000n, effectiveOn: "2025-06-30" },
  { id: "5", memberId: "d", classId: "community", kind: "purchase", shares: 10, amount: 1_000n, effectiveOn: "2023-01-15" },
  { id: "6", memberId: "c", classId: "community", kind: "purchase", shares: 10, amount: 1_000n, effectiveOn: "2026-02-01" },
];

describe("registerAsAt", () => {
  const asAt = "2025-12-31";
  const rows = registerAsAt({
    asAt,
    members,
    holdings: holdingsAsAt(ledger, asAt),
    classNames: { community: "Community Shares", founder: "Founder Share" },
    otherProperty: [
      { memberId: "a", description: "Loan stock 2024", amount: 50_000n },
      { memberId: "d", description: "Repaid deposit", amount: 0n },
    ],
  });

  it("leaves out people admitted after the as-at date", () => {
    expect(rows.map((r) => r.name)).not.toContain("Late Joiner");
  });

  it("lists members by date entered, then member number", () => {
    expect(rows.map((r) => r.memberNumber)).toEqual(["4", "2", "10"]);
  });

  it("shows shares held and amount paid by class, with other property", () => {
    const ada = rows.find((r) => r.memberId === "a")!;
    expect(ada).toEqual({
      memberId: "a",
      memberNumber: "10",
      name: "Ada Lovelace",
      address: "1 Fishergate, Preston",
      email: "ada@example.org",
      shares: [
        { classId: "community", className: "Community Shares", shares: 250, amountPaid: 25_000n },
        { classId: "founder", className: "Founder Share", shares: 1, amountPaid: 100n },
      ],
      totalShares: 251,
      totalAmountPaid: 25_100n,
      otherProperty: [{ description: "Loan stock 2024", amount: 50_000n }],
      dateEntered: "2024-05-01",
      dateCeased: null,
    });
  });

  it("keeps former members with the date they ceased", () => {
    const b = rows.find((r) => r.memberId === "b")!;
    expect(b.dateCeased).toBe("2025-06-30");
    expect(b.shares).toEqual([]);
    expect(b.totalAmountPaid).toBe(0n);
  });

  it("does not show a ceasing that happens after the as-at date", () => {
    const d = rows.find((r) => r.memberId === "d")!;
    expect(d.dateCeased).toBeNull();
    expect(d.email).toBeNull();
    expect(d.otherProperty).toEqual([]);
  });

  it("includes a member on the day they were admitted", () => {
    const onDay = registerAsAt({ asAt: "2026-02-01", members, holdings: holdingsAsAt(ledger, "2026-02-01") });
    const c = onDay.find((r) => r.memberId === "c")!;
    expect(c.shares).toEqual([{ classId: "community", className: "community", shares: 10, amountPaid: 1_000n }]);
  });
});
