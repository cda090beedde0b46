/**
 * The audit trail as auditors read it (issue #16): events in plain words with
 * money in the organisation's currency, keyset pages of 50 newest first, and
 * filters by kind, by who, by day (in the organisation's time zone) and by
 * free text on the subject.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { auditEventsForExport, auditPage, describeAuditRows, recordAudit } from "~/models/core/audit.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { setupClass } from "../fixtures/shares";

let db: Database;
let org: { id: string; currency: string; timeZone: string };
let ann: { id: string };
let priya: { id: string; member_number: number };

beforeAll(async () => {
  db = await testDb();
  const setup = await setupClass(db);
  const row = await db.selectFrom("organisations").select(["currency", "time_zone"]).where("id", "=", setup.org.id).executeTakeFirstOrThrow();
  org = { id: setup.org.id, currency: row.currency, timeZone: row.time_zone };
  ann = await makeUser(db, { organisationId: org.id, roles: ["secretary"], name: "Ann Patel" });
  priya = await makeMember(db, org.id, { name: "Priya Sharma" });
  const bought = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: ann.id, memberId: priya.id, classId: setup.cls.id, shares: 10, on: "2026-03-02", method: "cash" }));
  expect(bought.ok).toBe(true);
  // 120 more events by no one, then one late on 1 June UTC, which is already 2 June in London.
  for (let i = 0; i < 120; i++) await recordAudit(db, { organisationId: org.id, actorUserId: null, action: "proxy.revoked", entityType: "proxy_appointment", entityId: `p${i}`, after: { revoked: true } });
  await recordAudit(db, { organisationId: org.id, actorUserId: ann.id, action: "anchor.created", entityType: "anchor_institution", entityId: "a1", after: { name: "Preston City Council" }, at: new Date("2026-06-01T23:30:00Z") });
});

describe("the audit trail", () => {
  it("says each event in plain words, money in pounds, never pence or JSON", async () => {
    const page = await auditPage(db, org, { kind: "share.purchase_recorded" });
    const [e] = await describeAuditRows(db, { ...org }, page.events);
    const ref = `M${String(priya.member_number).padStart(5, "0")}`;
    expect(e.sentence).toBe(`Ann Patel recorded a share purchase of 10 shares (£10.00) for Member ${ref} (Priya Sharma) on 2 March 2026.`);
    expect(e.kindLabel).toBe("Share purchase");
    // The raw fields stay for auditors, in the details.
    expect(e.after).toContain("amount: 1000");
  });

  it("pages newest first, 50 at a time, by keyset both ways", async () => {
    const all = await auditPage(db, org, {}, {}, 1000);
    const seqs = all.events.map((e) => Number(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const first = await auditPage(db, org, {});
    expect(first.events.map((e) => Number(e.seq))).toEqual(seqs.slice(0, 50));
    expect(first.newer).toBeNull();
    const second = await auditPage(db, org, {}, { before: BigInt(first.older!) });
    expect(second.events.map((e) => Number(e.seq))).toEqual(seqs.slice(50, 100));
    expect(second.newer).toBe(String(seqs[50]));
    const last = await auditPage(db, org, {}, { before: BigInt(second.older!) });
    expect(last.events.map((e) => Number(e.seq))).toEqual(seqs.slice(100));
    expect(last.older).toBeNull();
    // "Newer" from the second page comes back to exactly the first.
    const back = await auditPage(db, org, {}, { after: BigInt(second.newer!) });
    expect(back.events.map((e) => Number(e.seq))).toEqual(seqs.slice(0, 50));
    expect(back.newer).toBeNull();
    expect(back.older).toBe(first.older);
  });

  it("filters by kind, by who, by day in the organisation's time zone and by the subject", async () => {
    expect((await auditPage(db, org, { kind: "proxy.revoked" }, {}, 500)).events).toHaveLength(120);
    const bySystem = await auditPage(db, org, { who: "system" }, {}, 500);
    expect(bySystem.events.every((e) => e.actor_name === null)).toBe(true);
    expect(bySystem.events.length).toBeGreaterThanOrEqual(120);
    const byAnn = await auditPage(db, org, { who: ann.id }, {}, 500);
    expect(byAnn.events.every((e) => e.actor_name === "Ann Patel")).toBe(true);
    expect(byAnn.events.map((e) => e.action)).toEqual(expect.arrayContaining(["anchor.created", "share.purchase_recorded"]));
    // 23:30 UTC on 1 June is 00:30 on 2 June in London.
    expect((await auditPage(db, org, { from: "2026-06-02", to: "2026-06-02" })).events.map((e) => e.action)).toEqual(["anchor.created"]);
    expect((await auditPage(db, org, { from: "2026-06-01", to: "2026-06-01" })).events).toHaveLength(0);
    // The member by name or number finds events that refer to her only by id.
    const byName = await auditPage(db, org, { q: "priya" });
    expect(byName.events.map((e) => e.action)).toEqual(expect.arrayContaining(["share.purchase_recorded", "member.created"]));
    expect(byName.events.map((e) => e.action)).not.toContain("proxy.revoked");
    const byNumber = await auditPage(db, org, { q: String(priya.member_number) });
    expect(byNumber.events.map((e) => e.action)).toContain("share.purchase_recorded");
    expect(byNumber.events.map((e) => e.action)).not.toContain("proxy.revoked");
    expect((await auditPage(db, org, { q: "Preston City" })).events.map((e) => e.action)).toEqual(["anchor.created"]);
    // Another organisation's events never show.
    expect((await auditPage(db, { id: "00000000-0000-4000-8000-000000000000", timeZone: "Europe/London" }, {})).events).toHaveLength(0);
  });

  it("exports every matching event in batches", async () => {
    let n = 0;
    for await (const batch of auditEventsForExport(db, org, { kind: "proxy.revoked" }, 50)) n += batch.length;
    expect(n).toBe(120);
  });
});
