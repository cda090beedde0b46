import { describe, expect, it } from "vitest";
import { compareByNotice, isSuspensionActive, payableWithdrawals, type WithdrawalRequest, type WithdrawalSuspension } from "./withdrawals";

function request(id: string, requestedOn: string, dueOn: string, classId = "community"): WithdrawalRequest {
  return { id, memberId: `m${id}`, classId, shares: 10, requestedOn, dueOn };
}

describe("payableWithdrawals", () => {
  const requests = [
    request("3", "2026-01-10", "2026-04-10"),
    request("10", "2026-01-05", "2026-04-05"),
    request("9", "2026-01-05", "2026-04-05"),
    request("4", "2026-02-01", "2026-05-02"), // not yet due on 2026-04-30
    request("5", "2026-01-20", "2026-04-20", "loan-stock"),
  ];

  it("pays requests due on or before the day, in order of notice (date, then id)", () => {
    const r = payableWithdrawals(requests, { asOf: "2026-04-30", suspensions: [] });
    expect(r.payable.map((x) => x.id)).toEqual(["9", "10", "3", "5"]);
    expect(r.waiting).toEqual([{ request: requests[3], code: "notice-running", reason: "Notice period runs until 2026-05-02" }]);
    // Written for people when the caller says how (the organisation's locale).
    const words = payableWithdrawals(requests, { asOf: "2026-04-30", suspensions: [], writeDate: (iso) => `day ${iso.slice(8)}` });
    expect(words.waiting.map((w) => w.reason)).toEqual(["Notice period runs until day 02"]);
  });

  it("counts the due day itself as payable", () => {
    const r = payableWithdrawals([request("1", "2026-01-01", "2026-04-01")], { asOf: "2026-04-01", suspensions: [] });
    expect(r.payable).toHaveLength(1);
    const early = payableWithdrawals([request("1", "2026-01-01", "2026-04-01")], { asOf: "2026-03-31", suspensions: [] });
    expect(early.payable).toHaveLength(0);
  });

  it("holds back everything while the board has suspended withdrawals for the society", () => {
    const suspensions: WithdrawalSuspension[] = [{ classId: null, from: "2026-03-01", until: null, reason: "liquidity review" }];
    const r = payableWithdrawals(requests, { asOf: "2026-04-30", suspensions });
    expect(r.payable).toEqual([]);
    expect(r.waiting.map((w) => [w.request.id, w.code])).toEqual([
      ["9", "suspended"],
      ["10", "suspended"],
      ["3", "suspended"],
      ["5", "suspended"],
      ["4", "notice-running"],
    ]);
    expect(r.waiting[0].reason).toBe("Withdrawals suspended by the board since 2026-03-01: liquidity review");
  });

  it("holds back only the suspended share class", () => {
    const suspensions: WithdrawalSuspension[] = [{ classId: "community", from: "2026-03-01", until: null, reason: "liquidity review" }];
    const r = payableWithdrawals(requests, { asOf: "2026-04-30", suspensions, classNames: { community: "Community Shares" } });
    expect(r.payable.map((x) => x.id)).toEqual(["5"]);
    expect(r.waiting.find((w) => w.request.id === "9")?.reason).toBe(
      "Withdrawals of Community Shares suspended by the board since 2026-03-01: liquidity review",
    );
  });

  it("ignores suspensions that have ended or not yet started", () => {
    const suspensions: WithdrawalSuspension[] = [
      { classId: null, from: "2026-03-01", until: "2026-04-29", reason: "ended" },
      { classId: null, from: "2026-05-01", until: null, reason: "future" },
    ];
    const r = payableWithdrawals(requests, { asOf: "2026-04-30", suspensions });
    expect(r.payable.map((x) => x.id)).toEqual(["9", "10", "3", "5"]);
  });

  it("treats the until date as the last day of the suspension", () => {
    const s: WithdrawalSuspension = { classId: null, from: "2026-03-01", until: "2026-04-30", reason: "r" };
    expect(isSuspensionActive(s, "2026-04-30")).toBe(true);
    expect(isSuspensionActive(s, "2026-05-01")).toBe(false);
    expect(isSuspensionActive(s, "2026-03-01")).toBe(true);
    expect(isSuspensionActive(s, "2026-02-28")).toBe(false);
  });

  it("names the society-wide suspension when both apply", () => {
    const suspensions: WithdrawalSuspension[] = [
      { classId: "community", from: "2026-01-01", until: null, reason: "class review" },
      { classId: null, from: "2026-03-01", until: null, reason: "liquidity review" },
    ];
    const r = payableWithdrawals([request("1", "2026-01-01", "2026-02-01")], { asOf: "2026-04-30", suspensions });
    expect(r.waiting[0].reason).toBe("Withdrawals suspended by the board since 2026-03-01: liquidity review");
  });

  it("does not change the caller's list", () => {
    const copy = [...requests];
    payableWithdrawals(requests, { asOf: "2026-04-30", suspensions: [] });
    expect(requests).toEqual(copy);
  });

  it("orders text ids as text and numeric ids as numbers", () => {
    expect(compareByNotice(request("9", "2026-01-01", "2026-01-01"), request("10", "2026-01-01", "2026-01-01"))).toBeLessThan(0);
    expect(compareByNotice(request("b", "2026-01-01", "2026-01-01"), request("a", "2026-01-01", "2026-01-01"))).toBeGreaterThan(0);
    expect(compareByNotice(request("z", "2025-12-31", "2026-01-01"), request("a", "2026-01-01", "2026-01-01"))).toBeLessThan(0);
  });
});
