import { describe, expect, it } from "vitest";
import { conflict, forbidden, isRefusal, notFound, notFoundResult, Refusal, refused, refusedCode, refusedResult, toRefusal, toRefused } from "./refusal";

describe("Refusal", () => {
  it("carries a code, a message and perhaps a field", () => {
    const r = refused("Choose a later date.", "onDate");
    expect(r).toBeInstanceOf(Error);
    expect(r).toBeInstanceOf(Refusal);
    expect([r.code, r.message, r.field, r.name]).toEqual(["refused", "Choose a later date.", "onDate", "Refusal"]);
    expect([notFound().code, notFound().message]).toEqual(["not-found", "Not found"]);
    expect([notFound("No such loan").message, forbidden("Not yours").code, conflict("Fix the ledger").code]).toEqual(["No such loan", "forbidden", "conflict"]);
    expect(notFound("No such loan").field).toBeUndefined();
  });

  it("tells a refusal from any other error", () => {
    expect(isRefusal(refused("no"))).toBe(true);
    expect(isRefusal(new Error("no"))).toBe(false);
    expect(isRefusal({ code: "refused", message: "no" })).toBe(false);
  });
});

describe("Refused (the returned form)", () => {
  it("reads as { ok: false, reason, field } and names its code only when it is not a plain refusal", () => {
    expect(refusedResult("No such share class", "classId")).toEqual({ ok: false, reason: "No such share class", field: "classId" });
    expect(Object.keys(refusedResult("Too late."))).toEqual(["ok", "reason"]);
    expect(notFoundResult("No such application or loan.")).toEqual({ ok: false, reason: "No such application or loan.", code: "not-found" });
    expect(refusedCode(refusedResult("Too late."))).toBe("refused");
    expect(refusedCode(notFoundResult("gone"))).toBe("not-found");
  });

  it("turns into a thrown refusal and back without losing code, message or field", () => {
    const thrown = toRefusal(refusedResult("Too many shares", "shares"));
    expect([thrown.code, thrown.message, thrown.field]).toEqual(["refused", "Too many shares", "shares"]);
    expect(toRefusal(notFoundResult("gone")).code).toBe("not-found");
    expect(toRefused(conflict("Fix the ledger", "file"))).toEqual({ ok: false, reason: "Fix the ledger", field: "file", code: "conflict" });
    expect(toRefused(refused("no"))).toEqual({ ok: false, reason: "no" });
  });
});
