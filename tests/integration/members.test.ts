import { Refusal } from "~/domain/refusal";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { recordAudit, verifyAuditChain } from "~/models/core/audit.server";
import {
  changeMemberStatus, countMembersByStatus, createMember, getMember, memberStatusHistory, searchMembers, updateMemberDetails,
} from "~/models/shares/members.server";
import { registerBatch } from "~/models/shares/register.server";
import { updateOrganisationSettings, getOrganisation } from "~/models/core/organisations.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { BorrowerSchema } from "~/schemas/lending";
import { createBorrower } from "~/models/lending/borrowers.server";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

describe("members register", () => {
  it("numbers members, searches by name prefix or number, and pages", async () => {
    const org = await makeOrganisation(db);
    for (const name of ["Alice Ashworth", "Bob Bamber", "Alan Whittle", "Zed Ashby"]) await makeMember(db, org.id, { name });
    for (let i = 0; i < 26; i++) await makeMember(db, org.id, { name: `Filler ${i}` });
    const byName = await searchMembers(db, org.id, { q: "al" });
    expect(byName.members.map((m) => m.name)).toEqual(["Alice Ashworth", "Alan Whittle"]);
    const byNumber = await searchMembers(db, org.id, { q: "2" });
    expect(byNumber.members.map((m) => m.name)).toEqual(["Bob Bamber"]);
    const page1 = await searchMembers(db, org.id, { page: 1 });
    const page2 = await searchMembers(db, org.id, { page: 2 });
    expect(page1.members).toHaveLength(25);
    expect(page1.hasNext).toBe(true);
    expect(page2.members).toHaveLength(5);
    expect(page2.hasNext).toBe(false);
    expect(page2.members[0].member_number).toBe(26);
    // A LIKE wildcard typed by a person is matched literally.
    expect((await searchMembers(db, org.id, { q: "%" })).members).toEqual([]);
  });

  it("finds members by surname or any word of the name, not only the start of the whole name", async () => {
    const org = await makeOrganisation(db);
    for (const name of ["Priya Patel", "Anil Patel", "Patricia Moss", "Sam O'Brien", "Jo Smith-Jones", "Bob Bamber"]) await makeMember(db, org.id, { name });
    const names = async (q: string) => (await searchMembers(db, org.id, { q })).members.map((m) => m.name).sort();
    expect(await names("Patel")).toEqual(["Anil Patel", "Priya Patel"]);
    expect(await names("pat")).toEqual(["Anil Patel", "Patricia Moss", "Priya Patel"]);
    expect(await names("patel priya")).toEqual(["Priya Patel"]);
    expect(await names("brien")).toEqual(["Sam O'Brien"]);
    expect(await names("O'Brien")).toEqual(["Sam O'Brien"]);
    expect(await names("jones")).toEqual(["Jo Smith-Jones"]);
    expect(await names("atel")).toEqual([]);
    expect(await names("Pat & | !:*")).toEqual(["Anil Patel", "Patricia Moss", "Priya Patel"]);
  });

  it("finds a whole-name prefix and ignores case and accents, on the members list and the register (#16)", async () => {
    const org = await makeOrganisation(db);
    for (const name of ["Ann Patel", "Annabel Smith", "Zoë Ögün-Smith", "ÉLODIE Durand", "Łukasz Nowak", "Bob Bamber"]) await makeMember(db, org.id, { name });
    const names = async (q: string) => (await searchMembers(db, org.id, { q })).members.map((m) => m.name).sort();
    const onRegister = async (q: string) => (await registerBatch(db, org.id, { asAt: "2026-12-31", fromLedger: false, q, status: "all" }, 0, 50)).rows.map((r) => r.name);
    for (const find of [names, onRegister]) {
      expect(await find("Ann Pat")).toEqual(["Ann Patel"]);
      expect(await find("ann pat")).toEqual(["Ann Patel"]);
      expect(await find("patel a")).toEqual(["Ann Patel"]);
      expect(await find("Patel")).toEqual(["Ann Patel"]);
      expect(await find("zoe")).toEqual(["Zoë Ögün-Smith"]);
      expect(await find("ZOË ogun")).toEqual(["Zoë Ögün-Smith"]);
      expect(await find("elodie")).toEqual(["ÉLODIE Durand"]);
      expect(await find("lukasz")).toEqual(["Łukasz Nowak"]);
      expect((await find("smith")).sort()).toEqual(["Annabel Smith", "Zoë Ögün-Smith"]);
      expect(await find("%")).toEqual([]);
    }
    // The register lists a name search in name order.
    expect(await onRegister("ann")).toEqual(["Ann Patel", "Annabel Smith"]);
  });

  it("refuses a member number already in use", async () => {
    const org = await makeOrganisation(db);
    await makeMember(db, org.id, { memberNumber: 7 });
    await expect(makeMember(db, org.id, { memberNumber: 7 })).rejects.toBeInstanceOf(Refusal);
  });

  it("keeps a dated status history and sets the register dates", async () => {
    const org = await makeOrganisation(db);
    const actor = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const m = await makeMember(db, org.id, { status: "applied", on: "2025-02-01" });
    await changeMemberStatus(db, actor.id, org.id, m.id, { status: "admitted", effectiveOn: "2025-03-01" });
    await changeMemberStatus(db, actor.id, org.id, m.id, { status: "ceased", effectiveOn: "2026-01-31", note: "Resigned" });
    const after = await getMember(db, org.id, m.id);
    expect(after).toMatchObject({ status: "ceased", applied_on: "2025-02-01", admitted_on: "2025-03-01", ceased_on: "2026-01-31" });
    const history = await memberStatusHistory(db, org.id, m.id);
    expect(history.map((h) => [h.status, h.effective_on])).toEqual([["applied", "2025-02-01"], ["admitted", "2025-03-01"], ["ceased", "2026-01-31"]]);
    expect(await countMembersByStatus(db, org.id)).toEqual({ applied: 0, admitted: 0, suspended: 0, ceased: 1 });
    await expect(sql`delete from member_status_history where member_id = ${m.id}`.execute(db)).rejects.toThrow(/append-only/);
  });

  it("derives the local flag from the postcode and recomputes it when the local area changes", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1"] });
    const actor = await makeUser(db, { organisationId: org.id, roles: ["owner"] });
    const inside = await createMember(db, null, org.id, ["PR1"], { kind: "person", name: "In", email: undefined, phone: null, address: "", postcode: "pr1 2ab", status: "admitted", statusDate: "2025-01-01" });
    const outside = await makeMember(db, org.id, { postcode: "BB2 1AA", localArea: ["PR1"] });
    expect(inside.postcode).toBe("PR1 2AB");
    expect([inside.is_local, outside.is_local]).toEqual([true, false]);
    const current = await getOrganisation(db, org.id);
    await updateOrganisationSettings(db, actor.id, org.id, { name: current.name, legalForm: current.legal_form, currency: "GBP", timeZone: current.timeZone, localArea: ["BB"], rules: current.rules });
    expect((await getMember(db, org.id, inside.id))?.is_local).toBe(false);
    expect((await getMember(db, org.id, outside.id))?.is_local).toBe(true);
  });

  it("recomputes borrowers' local flag too when the local area changes", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1"] });
    const actor = await makeUser(db, { organisationId: org.id, roles: ["owner"] });
    const input = BorrowerSchema.parse({ legalName: "Deepdale Bikes", legalForm: "worker-co-op", sicCode: "47640", address: "1 Deepdale Rd", postcode: "PR1 6AA", employees: "4", jobsToCreate: "2", jobsToSafeguard: "4", contactName: "Jo" });
    const borrower = await createBorrower(db, actor.id, org.id, input);
    const flag = async () => (await db.selectFrom("borrowers").select("is_local").where("id", "=", borrower.id).executeTakeFirstOrThrow()).is_local;
    expect(await flag()).toBe(true);
    const current = await getOrganisation(db, org.id);
    await updateOrganisationSettings(db, actor.id, org.id, { name: current.name, legalForm: current.legal_form, currency: "GBP", timeZone: current.timeZone, localArea: ["BB"], rules: current.rules });
    expect(await flag()).toBe(false);
  });

  it("never returns another organisation's member", async () => {
    const a = await makeOrganisation(db);
    const b = await makeOrganisation(db);
    const m = await makeMember(db, a.id, { name: "Private Person" });
    expect(await getMember(db, b.id, m.id)).toBeUndefined();
    expect((await searchMembers(db, b.id, { q: "Private" })).members).toEqual([]);
    expect(await updateMemberDetails(db, "00000000-0000-0000-0000-000000000000", b.id, [], m.id, { kind: "person", name: "Hijack", email: undefined, phone: null, address: "", postcode: "PR1 1AA" })).toBeNull();
    expect((await getMember(db, a.id, m.id))?.name).toBe("Private Person");
  });
});

describe("audit chain", () => {
  it("chains every change and finds the first tampered or missing event", async () => {
    const org = await makeOrganisation(db);
    const actor = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const m = await makeMember(db, org.id, { name: "Chained" });
    await updateMemberDetails(db, actor.id, org.id, [], m.id, { kind: "person", name: "Chained Renamed", email: undefined, phone: null, address: "", postcode: "PR1 1AA" });
    await recordAudit(db, { organisationId: org.id, actorUserId: actor.id, action: "anchor.created", entityType: "test", entityId: "1", after: { amount: 12n } });
    expect(await verifyAuditChain(db, org.id)).toEqual({ ok: true, events: 3 });
    const events = await db.selectFrom("audit_events").select(["seq", "action", "body"]).where("organisation_id", "=", org.id).orderBy("seq").execute();
    expect(events.map((e) => e.action)).toEqual(["member.created", "member.updated", "anchor.created"]);
    expect(JSON.parse(events[1].body)).toMatchObject({ before: { name: "Chained" }, after: { name: "Chained Renamed" } });

    // History cannot be edited through SQL either: the trigger refuses.
    await expect(sql`update audit_events set body = 'x' where organisation_id = ${org.id}`.execute(db)).rejects.toThrow(/append-only/);
    // Someone with the power to disable the trigger edits event 2: verification names it.
    await db.transaction().execute(async (trx) => {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(trx);
      await sql`update audit_events set body = replace(body, 'Chained Renamed', 'Someone Else') where organisation_id = ${org.id} and seq = 2`.execute(trx);
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(trx);
    });
    expect(await verifyAuditChain(db, org.id)).toMatchObject({ ok: false, brokenAt: 2n, reason: expect.stringMatching(/changed/) });
  });
});
