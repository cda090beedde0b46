/**
 * The matching queue over HTTP: who may see it and who may confirm, "Confirm
 * N selected", a reference typed by hand, a split that does not add up, and
 * undo, each answered on the page.
 */
import { describe, expect, it } from "vitest";
import { createBankAccount, importStatement } from "~/models/treasury/statements.server";
import { makeMember, makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function signedIn(orgId: string, roles: Parameters<typeof makeUser>[1]["roles"]) {
  const u = await makeUser(t.db, { organisationId: orgId, roles });
  const b = new Browser(t.server.base);
  await b.login(u.email, u.password);
  return b;
}

async function world() {
  const s = await setupClass(t.db, { minHolding: "1" });
  const jane = await makeMember(t.db, s.org.id, { name: "Jane Smith", memberNumber: 45 });
  await makeMember(t.db, s.org.id, { name: "Tom Nguyen", memberNumber: 46 });
  const { loan } = await makeLoan(t.db, s.org.id, { disbursedOn: "2026-01-15" });
  const accountId = await t.db.transaction().execute((trx) =>
    createBankAccount(trx, s.org.id, s.user.id, { name: "Current account", bankName: "Starling", accountHolder: "Riverside", sortCode: "608371", accountNumber: "12345678", iban: null, bic: null, currency: "GBP", paymentsIn: true }),
  );
  const csv = [
    "Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes",
    "02/02/2026,J SMITH,M00045 SHARES,FASTER PAYMENT,50.00,50.00,INCOME,",
    "03/02/2026,T NGUYEN,M46,FASTER PAYMENT,25.00,75.00,INCOME,",
    "05/02/2026,NGUYEN T,GIFT,FASTER PAYMENT,20.00,95.00,INCOME,",
    "06/02/2026,A FRIEND,THANKS,FASTER PAYMENT,30.00,125.00,INCOME,",
  ].join("\n");
  await t.db.transaction().execute((trx) => importStatement(trx, { organisationId: s.org.id, bankAccountId: accountId, actorUserId: s.user.id, filename: "starling.csv", bytes: new TextEncoder().encode(csv) }));
  const lines = await t.db.selectFrom("statement_lines").select(["id", "reference"]).where("organisation_id", "=", s.org.id).orderBy("line_number").execute();
  const line = (ref: string) => String(lines.find((l) => l.reference === ref)!.id);
  return { ...s, jane, loan, accountId, line, path: `/treasury/accounts/${accountId}/match` };
}

describe("the matching queue over HTTP", () => {
  it("shows sure matches and suggestions to readers, and refuses to confirm for roles without treasury:manage", async () => {
    const w = await world();
    for (const role of ["auditor", "loan_officer", "board"] as const) {
      const b = await signedIn(w.org.id, [role]);
      const page = await b.get(w.path);
      expect(page.status, role).toBe(200);
      const html = await page.text();
      expect(html).toContain("Sure matches (2)");
      expect(html).toContain("Quotes member reference M00045, the payer J SMITH is Jane Smith; £50.00 buys 50 shares");
      expect(html).not.toContain("Confirm 2 selected");
      const post = await b.post(w.path, { intent: "confirm-sure", lineId: [w.line("M00045 SHARES")] });
      expect(post.status, role).toBe(403);
    }
    const member = await signedIn(w.org.id, ["member"]);
    expect((await member.get(w.path)).status).toBe(403);
    expect(await t.db.selectFrom("share_transactions").select("id").where("organisation_id", "=", w.org.id).execute()).toEqual([]);
  });

  it("confirms the ticked sure matches, matches by a typed reference, refuses a split that does not add up, and undoes", async () => {
    const w = await world();
    const b = await signedIn(w.org.id, ["secretary"]);
    const html = await (await b.get(w.path)).text();
    expect(html).toContain("Confirm 2 selected");
    expect(html).toContain("To look at (2)");
    expect(html).toContain("No reference; the payer&#x27;s name is like Tom Nguyen&#x27;s; £20.00 buys 20 shares");

    const bulk = await b.post(w.path, { intent: "confirm-sure", lineId: [w.line("M00045 SHARES"), w.line("M46")] });
    expect(bulk.status).toBe(302);
    expect(await (await b.get(bulk.headers.get("location")!)).text()).toContain("2 payments confirmed.");

    const unknown = await b.post(w.path, { intent: "manual", lineId: w.line("THANKS"), "parts[0].reference": "M99999", "parts[0].amount": "30.00" });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain("No member or loan has the reference &quot;M99999&quot;");

    const uneven = await b.post(w.path, { intent: "manual", lineId: w.line("THANKS"), "parts[0].reference": "M45", "parts[0].amount": "20", "parts[1].reference": "m 46", "parts[1].amount": "5" });
    expect(uneven.status).toBe(200);
    expect(await uneven.text()).toContain("The parts add up to £25.00, but the line is £30.00: they must add up to the line exactly.");

    const split = await b.post(w.path, { intent: "manual", lineId: w.line("THANKS"), "parts[0].reference": "M45", "parts[0].amount": "20", "parts[1].reference": "m 46", "parts[1].amount": "10" });
    expect(split.status).toBe(302);
    const after = await (await b.get(split.headers.get("location")!)).text();
    expect(after).toContain("Payment split 2 ways and matched.");
    expect(after).toContain("Sure matches (0)");
    expect(after).toContain("To look at (1)");

    const noReason = await b.post(w.path, { intent: "undo", lineId: w.line("THANKS"), reason: "" });
    expect(await noReason.text()).toContain("Say why the match is undone");
    const undo = await b.post(w.path, { intent: "undo", lineId: w.line("THANKS"), reason: "It was a donation" });
    expect(undo.status).toBe(302);
    expect(await (await b.get(undo.headers.get("location")!)).text()).toContain("To look at (2)");
    const ledger = await t.db.selectFrom("share_transactions").select(["kind", "amount"]).where("organisation_id", "=", w.org.id).orderBy("id").execute();
    // The split's two parts post in the order of the members' ids, so the ledger is compared as a set.
    expect(ledger.map((r) => `${r.kind} ${r.amount}`).sort()).toEqual(["purchase 1000", "purchase 2000", "purchase 2500", "purchase 5000", "reversal 1000", "reversal 2000"]);
  });

  it("does not let one organisation's officer confirm another's line", async () => {
    const w = await world();
    const other = await world();
    const b = await signedIn(other.org.id, ["secretary"]);
    expect((await b.get(w.path)).status).toBe(404);
    const res = await b.post(other.path, { intent: "confirm", lineId: w.line("M00045 SHARES"), target: `member:${other.jane.id}` });
    expect(res.status).toBe(404);
    const bulk = await b.post(other.path, { intent: "confirm-sure", lineId: [w.line("M00045 SHARES")] });
    expect(bulk.status).toBe(200);
    expect(await bulk.text()).toContain("1 of the lines chosen are not statement lines of this account.");
    expect(await t.db.selectFrom("share_transactions").select("id").where("organisation_id", "in", [w.org.id, other.org.id]).execute()).toEqual([]);
  });
});
