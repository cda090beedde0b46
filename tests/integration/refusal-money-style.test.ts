/**
 * Issue #17 point 3: a refusal, an explanation or an email written by a
 * model reaches the user in the organisation's currency and locale (a euro
 * co-op in de-DE reads "1.234,50 €", an American one "$1,234.50"), not in
 * pounds because a rule wrote money without being told how.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { refusalOf } from "../refusal";
import { saveLm3Study } from "~/models/impact/lm3.server";
import { recordRepayment } from "~/models/lending/loans.server";
import { createInterestPreview } from "~/models/shares/interest-runs.server";
import { importMembers } from "~/models/shares/members-import.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { admitApplication, submitApplication } from "~/models/shares/share-applications.server";
import { decideTransfer, requestTransfer } from "~/models/shares/transfers.server";
import { payDueWithdrawals, requestWithdrawal, suspendWithdrawals } from "~/models/shares/withdrawals.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";

const NBSP = "\u00a0";
const TODAY = "2026-11-25";
let db: Database;
beforeAll(async () => {
  db = await testDb();
});

async function writesIn(organisationId: string, currency: string, locale: string) {
  await db.updateTable("organisations").set({ currency, locale }).where("id", "=", organisationId).execute();
}

const refusal = refusalOf;

describe("refusals and explanations in the organisation's money style", () => {
  it("a euro co-op in German: share purchase and transfer refusals, the members file, the interest explanation, withdrawal emails", async () => {
    const { org, user, cls } = await setupClass(db, { parValue: "1.00", minHolding: "1", maxHolding: "1234.50", transferable: "on" });
    await writesIn(org.id, "EUR", "de-DE");
    const ann = await makeMember(db, org.id, { email: "ann@example.org" });
    const bob = await makeMember(db, org.id);
    const buy = (memberId: string, shares: number) =>
      db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId, classId: cls.id, shares, on: "2026-01-01", method: "cash" }));

    expect(await buy(ann.id, 1235)).toEqual({ ok: false, field: "shares", reason: `A holding in Community Shares may not exceed 1.234,50${NBSP}€; this purchase would make it 1.235,00${NBSP}€.` });
    expect(await buy(ann.id, 1000)).toMatchObject({ ok: true });
    expect(await buy(bob.id, 1000)).toMatchObject({ ok: true });
    const transfer = await db.transaction().execute((trx) => requestTransfer(trx, user.id, org.id, { classId: cls.id, fromMemberId: ann.id, toMemberId: bob.id, shares: 500, on: "2026-02-01" }));
    expect(transfer).toMatchObject({ ok: false, reason: `A holding in Community Shares may not exceed 1.234,50${NBSP}€; this transfer would make the receiving member's 1.500,00${NBSP}€.` });

    const file = "member_number,kind,name,email,address,postcode,joined_on,share_class,shares\n901,person,Cleo,,1 Road,PR1 2AB,2026-01-01,Community Shares,2000\n";
    const imported = await db.transaction().execute((trx) => importMembers(trx, user.id, { id: org.id, local_area: [] }, new TextEncoder().encode(file), TODAY));
    expect(imported).toEqual({ ok: false, errors: [{ line: 2, column: "shares", reason: `a holding in Community Shares may not exceed 1.234,50${NBSP}€; 2000 shares would be 2.000,00${NBSP}€` }] });

    const run = await db.transaction().execute((trx) => createInterestPreview(trx, user.id, org.id, { classId: cls.id, from: "2026-01-01", to: "2026-12-31", rate: 300, payAs: "cash", rounding: "down" }));
    expect(run.ok).toBe(true);
    const explained = await db.selectFrom("interest_lines").select("explain").where("organisation_id", "=", org.id).where("member_id", "=", ann.id).executeTakeFirstOrThrow();
    expect(explained.explain).toContain(`1.000,00${NBSP}€ held all 365 days of 2026-01-01 to 2026-12-31 = 365.000,00${NBSP}€ balance-days; × 3.00% ÷ 365 = 30,000000${NBSP}€; rounded down to 30,00${NBSP}€.`);

    // No caller passes a style here (as a script would not): the emails still write euros, and dates, in German.
    const asked = await db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: org.id, actorUserId: user.id, memberId: ann.id, classId: cls.id, shares: 100, leaving: false, on: "2026-03-01" }));
    expect(asked).toMatchObject({ ok: true, dueOn: "2026-05-30" });
    expect(await db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-06-01"))).toHaveLength(1);
    const mail = await db.selectFrom("email_outbox").select(["subject", "body"]).where("organisation_id", "=", org.id).where("to_email", "=", "ann@example.org").execute();
    const body = (subject: string) => mail.find((m) => m.subject === subject)?.body;
    expect(body("Your notice of withdrawal")).toContain(`withdraw 100 Community Shares (100,00${NBSP}€). The notice period ends on 30. Mai 2026;`);
    expect(body("Your share withdrawal has been paid")).toContain(`We have paid your withdrawal of 100 shares (100,00${NBSP}€) on 1. Juni 2026.`);
  });

  it("members' emails write their dates in the organisation's locale: admission, a transfer decided, withdrawals suspended", async () => {
    const { org, user, cls } = await setupClass(db, { parValue: "1.00", minHolding: "1", transferable: "on" });
    await writesIn(org.id, "EUR", "de-DE");
    const mailTo = async (to: string, subject: string) =>
      (await db.selectFrom("email_outbox").select("body").where("organisation_id", "=", org.id).where("to_email", "=", to).where("subject", "=", subject).executeTakeFirstOrThrow()).body;

    const applied = await db.transaction().execute((trx) =>
      submitApplication(trx, { id: org.id, name: "Genossenschaft", local_area: [] }, { kind: "person", name: "Dora", email: "dora@example.org", phone: null, address: "1 Road", postcode: "PR1 2AB", classId: cls.id, shares: 1234, declarations: ["rules", "age", "risk"] }, "2026-03-01"),
    );
    if (!applied.ok) throw new Error(applied.reason);
    expect(await mailTo("dora@example.org", "Your application to join Genossenschaft")).toContain(`Thank you for applying for 1234 Community Shares (1.234,00${NBSP}€).`);
    await db.transaction().execute((trx) => admitApplication(trx, user.id, org.id, applied.applicationId, "2026-03-04", "Genossenschaft"));
    expect(await mailTo("dora@example.org", "Welcome to Genossenschaft")).toContain("You were admitted as a member on 4. März 2026.");

    const eve = await makeMember(db, org.id, { email: "eve@example.org" });
    const fay = await makeMember(db, org.id);
    await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId: eve.id, classId: cls.id, shares: 10, on: "2026-03-05", method: "cash" }));
    const asked = await db.transaction().execute((trx) => requestTransfer(trx, user.id, org.id, { classId: cls.id, fromMemberId: eve.id, toMemberId: fay.id, shares: 2, on: "2026-03-06" }));
    if (!asked.ok) throw new Error(asked.reason);
    await db.transaction().execute((trx) => decideTransfer(trx, user.id, org.id, asked.id, "reject", "2026-03-10", "Nicht jetzt"));
    expect(await mailTo("eve@example.org", "Share transfer not approved")).toContain("The board did not approve the transfer of 2 shares on 10. März 2026.");

    await db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: org.id, actorUserId: user.id, memberId: eve.id, classId: cls.id, shares: 1, leaving: false, on: "2026-03-11" }));
    await db.transaction().execute((trx) => suspendWithdrawals(trx, user.id, org.id, { classId: null, fromOn: "2026-04-01", reason: "Dach" }));
    expect(await mailTo("eve@example.org", "Share withdrawals are suspended")).toContain("The board has suspended withdrawals of shares from 1. April 2026, as the rules allow.");
  });

  it("an American co-op: a repayment over the pay-off and LM3's refusal in dollars", async () => {
    const org = await makeOrganisation(db);
    await writesIn(org.id, "USD", "en-US");
    const { loan } = await makeLoan(db, org.id, { disbursedOn: "2026-01-15" });
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 5_000_000n, onDate: "2026-02-10", method: "bank" }, TODAY))).toBe(
      "The payment of $50,000.00 is more than the $12,120.00 that repays the loan in full on 2026-02-10.",
    );
    const lm3 = await saveLm3Study(db, null, org.id, { name: "Year", periodFrom: "2025-04-01", periodTo: "2026-03-31", income: 0n, suppliers: 100n, staff: 0n, respend: { source: "entered", amount: 0n } });
    expect(lm3).toMatchObject({ ok: false, field: "income", reason: expect.stringContaining("LM3 needs income (R1) above zero; it is $0.00.") });
  });
});
