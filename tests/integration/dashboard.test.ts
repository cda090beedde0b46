import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "~/domain/permissions";
import { importBlt } from "~/models/governance/elections.server";
import { createMeeting, openMotion } from "~/models/governance/meetings.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { Browser, startTestServer, type TestServer } from "../http";

let server: TestServer;
let orgId: string;
let memberId: string;
beforeAll(async () => {
  const db = await testDb();
  server = await startTestServer();
  orgId = (await makeOrganisation(db)).id;
  memberId = (await makeMember(db, orgId, { name: "Dash Member" })).id;
});
afterAll(async () => server?.close());

async function dashboardAs(role: Role) {
  const db = await testDb();
  const user = await makeUser(db, { organisationId: orgId, roles: [role], memberId: role === "member" ? memberId : null });
  const b = new Browser(server.base);
  await b.login(user.email, user.password);
  const res = await b.get("/dashboard");
  expect(res.status).toBe(200);
  return res.text();
}

describe("dashboard per role", () => {
  it("shows a member their membership and no administration", async () => {
    const html = await dashboardAs("member");
    expect(html).toContain("Your membership");
    expect(html).not.toContain('id="register-head"');
    expect(html).not.toContain('id="shares-head"');
    expect(html).not.toContain('id="lending-head"');
  });
  it("shows the secretary the register and share capital, not the loan book", async () => {
    const html = await dashboardAs("secretary");
    expect(html).toContain('id="register-head"');
    expect(html).toContain('id="shares-head"');
    expect(html).not.toContain('id="lending-head"');
  });
  it("shows the loan officer the loan book, not the register", async () => {
    const html = await dashboardAs("loan_officer");
    expect(html).toContain('id="lending-head"');
    expect(html).toContain("Portfolio at risk (PAR30)");
    expect(html).not.toContain('id="register-head"');
  });
});

describe("votes open to a member", () => {
  it("links an open election to its ballot page, not to /motions/", async () => {
    const db = await testDb();
    const secretary = (await makeUser(db, { organisationId: orgId, roles: ["secretary"] })).id;
    const meetingId = (await createMeeting(db, secretary, orgId, { kind: "agm", title: "Dash AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "in-person", noticeGivenOn: "2030-06-01", agenda: "", documents: "" })).id;
    const blt = '2 1\n1 1 0\n0\n"Ada"\n"Bea"\n"Board seat"\n';
    const election = await db.transaction().execute((trx) => importBlt(trx, secretary, orgId, meetingId, blt, "scottish"));
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, election.id));
    const html = await dashboardAs("member");
    expect(html).toContain(`href="/elections/${election.id}"`);
    expect(html).not.toContain(`href="/motions/${election.id}"`);
    // The page it links to is there for the member.
  });
});
