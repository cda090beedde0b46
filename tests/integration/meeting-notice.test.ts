/**
 * The notice of a general meeting, emailed once by the secretary from the
 * meeting's page to every admitted member with an email address.
 */
import { describe, expect, it } from "vitest";
import { createMeeting } from "~/models/governance/meetings.server";
import type { MeetingInput } from "~/schemas/governance";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { Browser, serverWithSecretary } from "../http";

const t = serverWithSecretary();

const MEETING: MeetingInput = {
  kind: "agm", title: "Annual General Meeting 2030", heldOn: "2030-06-30", startsAt: "18:30", place: "Friargate Community Centre", format: "hybrid",
  noticeGivenOn: "2030-06-01", recordDate: "2030-06-01", agenda: "1. Apologies\n2. Accounts for 2029", documents: "Accounts 2029 https://example.org/accounts.pdf",
};

function outbox(organisationId: string, subject: string) {
  return t.db.selectFrom("email_outbox").select(["to_email", "body"]).where("organisation_id", "=", organisationId).where("subject", "=", subject).orderBy("to_email").execute();
}

describe("emailing the notice of a meeting", () => {
  it("goes once to each admitted member with an email address, with when, where, agenda, documents and the proxy link", async () => {
    await makeMember(t.db, t.org.id, { name: "Aisha Patel", email: "aisha@members.example" });
    await makeMember(t.db, t.org.id, { name: "Ben Holden", email: "ben@members.example" });
    await makeMember(t.db, t.org.id, { name: "No Email" });
    await makeMember(t.db, t.org.id, { name: "Applicant", email: "applicant@members.example", status: "applied" });
    const other = await makeOrganisation(t.db);
    await makeMember(t.db, other.id, { name: "Elsewhere", email: "elsewhere@members.example" });
    const meeting = await createMeeting(t.db, t.secretary.id, t.org.id, MEETING);

    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    expect(await (await b.get(`/meetings/${meeting.id}`)).text()).toContain("Email the notice to members");
    const sent = await b.post(`/meetings/${meeting.id}`, { intent: "email-notice" });
    expect(await sent.text()).toContain("The notice has been emailed to the members.");

    const mail = await outbox(t.org.id, "Notice of meeting: Annual General Meeting 2030");
    expect(mail.map((m) => m.to_email)).toEqual(["aisha@members.example", "ben@members.example"]);
    const body = mail[0].body;
    expect(body).toMatch(/^Dear Aisha Patel,\n\nNotice is given of the annual general meeting of /);
    expect(body).toContain("When: 2030-06-30 at 18:30");
    expect(body).toContain("Where: Friargate Community Centre\nHow: Hybrid (in person and online)");
    expect(body).toContain("1. Apologies\n2. Accounts for 2029");
    expect(body).toContain("Accounts 2029 https://example.org/accounts.pdf");
    expect(body).toContain(`${t.server.base}/meetings/${meeting.id}/proxy`);
    expect(await (await b.get(`/meetings/${meeting.id}`)).text()).toMatch(/The notice was emailed to <!-- -->2<!-- --> members on/);

    // Once: a second press is refused and sends nothing more.
    const again = await (await b.post(`/meetings/${meeting.id}`, { intent: "email-notice" })).text();
    expect(again).toContain("already emailed to 2 members");
    expect(await outbox(t.org.id, "Notice of meeting: Annual General Meeting 2030")).toHaveLength(2);
    const audit = await t.db.selectFrom("audit_events").select("body").where("entity_id", "=", meeting.id).where("action", "=", "meeting.notice_emailed").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].body).toContain('"recipients":2');
  });

  it("is refused for a board meeting and for a meeting already held, and to a member", async () => {
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const board = await createMeeting(t.db, t.secretary.id, t.org.id, { ...MEETING, kind: "board", title: "Board meeting" });
    expect(await (await b.post(`/meetings/${board.id}`, { intent: "email-notice" })).text()).toContain("its notice does not go to the members");
    const held = await createMeeting(t.db, t.secretary.id, t.org.id, { ...MEETING, title: "Held already", heldOn: "2020-06-30", noticeGivenOn: "2020-06-01", recordDate: "2020-06-01" });
    expect(await (await b.post(`/meetings/${held.id}`, { intent: "email-notice" })).text()).toContain("it is too late to give notice of it");
    expect(await outbox(t.org.id, "Notice of meeting: Board meeting")).toEqual([]);
    expect(await outbox(t.org.id, "Notice of meeting: Held already")).toEqual([]);

    const member = await makeUser(t.db, { organisationId: t.org.id, roles: ["member"] });
    const m = new Browser(t.server.base);
    await m.login(member.email, member.password);
    const agm = await createMeeting(t.db, t.secretary.id, t.org.id, { ...MEETING, title: "Members may not send" });
    expect((await m.post(`/meetings/${agm.id}`, { intent: "email-notice" })).status).toBe(403);
    expect(await outbox(t.org.id, "Notice of meeting: Members may not send")).toEqual([]);
  });
});
