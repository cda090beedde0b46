import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, permissionsFor, rolesWith } from "./permissions";

describe("permission table", () => {
  it("only grants permissions that exist", () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toHaveProperty(p);
  });
  it("keeps the auditor read-only", () => {
    const writes = [...permissionsFor(["auditor"])].filter((p) => !/:(read|view)$/.test(p));
    expect(writes).toEqual([]);
  });
  it("gives voting to members and approval of loans only to the credit committee", () => {
    expect(rolesWith("ballots:cast")).toEqual(["member"]);
    expect(rolesWith("loans:approve")).toEqual(["credit_committee"]);
  });
  it("lets the owner and secretary run the bank statements, and officers who answer for money read them", () => {
    expect(rolesWith("treasury:manage")).toEqual(["owner", "secretary"]);
    expect(rolesWith("treasury:read")).toEqual(["owner", "secretary", "loan_officer", "board", "auditor"]);
  });
  it("unions the permissions of several roles", () => {
    const both = permissionsFor(["member", "loan_officer"]);
    expect(both.has("ballots:cast") && both.has("loans:write")).toBe(true);
    expect(both.has("register:write")).toBe(false);
  });
});
