/**
 * Issue #16 over HTTP: the audit trail (refused without audit:read; plain
 * words; filtered CSV), the proxy picker (search endpoint scoped and capped
 * at 20; the search-then-choose form without JavaScript appoints), and the
 * leadership figure in the impact CSV.
 */
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, permissionsFor } from "~/domain/permissions";
import { getOrganisation } from "~/models/core/organisations.server";
import { createMeeting, createMotion } from "~/models/governance/meetings.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();
let org: { id: string; slug: string };
let meetingId: string;
let otherMeetingId: string;
let voter: { email: string; password: string; memberId: string };
let patel: { id: string };
const login = async (u: { email: string; password: string }) => {
  const b = new Browser(t.server.base);
  await b.login(u.email, u.password);
  return b;
};
const users = {} as Record<(typeof ROLES)[number], { email: string; password: string }>;

beforeAll(async () => {
  const setup = await setupClass(t.db);
  org = setup.org;
  const me = await makeMember(t.db, org.id, { name: "Voting Member" });
  patel = await makeMember(t.db, org.id, { name: "Ann Patel" });
  await makeMember(t.db, org.id, { name: "Zoë Ögün" });
  await makeMember(t.db, org.id, { name: "Ann Pattern", status: "ceased" });
  for (let i = 0; i < 30; i++) await makeMember(t.db, org.id, { name: `Patrick Filler ${i}` });
  for (const role of ROLES) users[role] = await makeUser(t.db, { organisationId: org.id, roles: [role], memberId: role === "member" ? me.id : null, name: `The ${role}` });
  voter = { ...users.member, memberId: me.id };
  await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: setup.user.id, memberId: patel.id, classId: setup.cls.id, shares: 25, on: "2026-03-02", method: "cash" }));
  const meeting = await createMeeting(t.db, setup.user.id, org.id, { kind: "agm", title: "AGM", heldOn: "2030-06-30", startsAt: "18:00", place: "Hall", format: "hybrid", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" } as never);
  meetingId = meeting.id;
  // A proxy is for a meeting with something still to vote on.
  await createMotion(t.db, setup.user.id, org.id, meeting.id, { kind: "ordinary", title: "Accounts", body: "", thresholdComparison: "at-least" } as never, (await getOrganisation(t.db, org.id)).rules);
  const other = await makeOrganisation(t.db);
  const otherUser = await makeUser(t.db, { organisationId: other.id, roles: ["secretary"] });
  await makeMember(t.db, other.id, { name: "Ann Patterson Elsewhere" });
  otherMeetingId = (await createMeeting(t.db, otherUser.id, other.id, { kind: "agm", title: "Other AGM", heldOn: "2030-06-30", startsAt: "18:00", place: "Hall", format: "hybrid", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" } as never)).id;
  await makeLoan(t.db, org.id, { amount: 300_000n, disbursedOn: "2026-01-15", borrower: { ownership: ["women-led"] } });
  await makeLoan(t.db, org.id, { amount: 100_000n, disbursedOn: "2026-01-15", borrower: { ownership: ["worker-owned"] } });
});

describe("the audit trail over HTTP", () => {
  it("is refused to every role without audit:read and shown in plain words to those with it", async () => {
    for (const role of ROLES) {
      const b = await login(users[role]);
      const page = await b.get("/audit");
      const csv = await b.get("/audit.csv");
      if (permissionsFor([role]).has("audit:read")) {
        expect(page.status, role).toBe(200);
        expect(csv.status, role).toBe(200);
      } else {
        expect(page.status, role).toBe(403);
        expect(csv.status, role).toBe(403);
      }
    }
    const auditor = await login(users.auditor);
    const html = await (await auditor.get("/audit?kind=share.purchase_recorded")).text();
    expect(html).toMatch(/recorded a share purchase of 25 shares \(£25\.00\) for Member M\d{5} \(Ann Patel\) on 2 March 2026\./);
    expect(html).not.toContain("&quot;amount&quot;:&quot;2500&quot;</td>");
    const bad = await auditor.get("/audit?from=2026-13-45");
    expect(bad.status).toBe(200);
    expect(await bad.text()).toContain("That date does not exist");
  });

  it("exports the filtered events as CSV", async () => {
    const auditor = await login(users.auditor);
    const res = await auditor.get("/audit.csv?q=Ann%20Patel");
    expect(res.headers.get("content-type")).toContain("text/csv");
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(["member.created", "share.purchase_recorded"]));
    expect(rows.every((r) => r.what_happened.endsWith("."))).toBe(true);
    expect(rows.find((r) => r.kind === "share.purchase_recorded")!.what_happened).toContain("(£25.00)");
  });
});

describe("the proxy picker over HTTP", () => {
  it("searches this organisation's admitted members, at most 20, by name (accents aside) or number", async () => {
    const b = await login(voter);
    const get = async (q: string, meeting = meetingId) => {
      const res = await b.get(`/meetings/${meeting}/proxy-candidates?q=${encodeURIComponent(q)}`);
      return { status: res.status, body: res.status === 200 ? ((await res.json()) as { candidates: { name: string }[] }) : null };
    };
    expect((await get("ann pat")).body!.candidates.map((c) => c.name)).toEqual(["Ann Patel"]);
    expect((await get("zoe")).body!.candidates.map((c) => c.name)).toEqual(["Zoë Ögün"]);
    expect((await get("pat")).body!.candidates).toHaveLength(20);
    expect((await get("voting")).body!.candidates).toEqual([]);
    expect((await get("elsewhere")).body!.candidates).toEqual([]);
    expect((await get("ann", otherMeetingId)).status).toBe(404);
  });

  it("works without JavaScript: search, then choose and appoint", async () => {
    const b = await login(voter);
    const found = await (await b.get(`/meetings/${meetingId}/proxy?q=ann+pat`)).text();
    expect(found).toContain(`value="${patel.id}"`);
    expect(found).not.toContain("Patrick Filler");
    // Sent without choosing: said, nothing appointed.
    const unchosen = await b.post(`/meetings/${meetingId}/proxy`, { intent: "appoint", holder: "" });
    expect(await unchosen.text()).toContain("Choose who will hold your proxy");
    const appointed = await b.post(`/meetings/${meetingId}/proxy`, { intent: "appoint", holder: patel.id });
    expect(appointed.status).toBe(302);
    expect(await (await b.get(appointed.headers.get("location")!)).text()).toContain("Ann Patel</strong> holds your proxy");
  });
});

describe("the impact CSV", () => {
  it("gives lending to women-led and minority-ethnic-led businesses", async () => {
    const b = await login(users.board);
    const res = await b.get("/impact/csv?figure=leadership&asAt=2026-06-30");
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split("\n")).toEqual([
      "as_at,businesses,loans,principal_outstanding,percent_of_all_lending",
      "2026-06-30,Women-led businesses,1,3000.00,75.0",
      "2026-06-30,Minority-ethnic-led businesses,0,0.00,0.0",
    ]);
  });
});
