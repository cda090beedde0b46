/**
 * Meetings as calendar entries: the .ics of one meeting, the notice email's
 * attachment, and a member's private feed of their organisations' meetings.
 */
import { describe, expect, it } from "vitest";
import { createMeeting } from "~/models/governance/meetings.server";
import { emailMeetingNotice } from "~/models/governance/voting-mail.server";
import type { MeetingInput } from "~/schemas/governance";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { Browser, serverWithSecretary } from "../http";

const t = serverWithSecretary();

const meetingInput = (title: string, heldOn = "2030-06-30"): MeetingInput => ({
  kind: "agm", title, heldOn, startsAt: "18:30", place: "Friargate Community Centre", format: "hybrid",
  noticeGivenOn: "2030-06-01", recordDate: "2030-06-01", agenda: "1. Apologies\n2. Accounts", documents: "",
});

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

describe("meetings in calendars", () => {
  it("downloads one meeting as an .ics entry at the right time, to its own organisation only", async () => {
    const meeting = await createMeeting(t.db, t.secretary.id, t.org.id, meetingInput("Calendar AGM 2030"));
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    expect(await (await b.get(`/meetings/${meeting.id}`)).text()).toContain(`/meetings/${meeting.id}/calendar.ics`);
    const res = await b.get(`/meetings/${meeting.id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const ics = unfold(await res.text());
    expect(ics).toContain(`UID:meeting-${meeting.id}@coop-register`);
    expect(ics).toContain("DTSTART:20300630T173000Z"); // 18:30 in London's summer time
    expect(ics).toContain("SUMMARY:Calendar AGM 2030");

    const other = await makeOrganisation(t.db);
    const outsider = await makeUser(t.db, { organisationId: other.id, roles: ["secretary"] });
    const o = new Browser(t.server.base);
    await o.login(outsider.email, outsider.password);
    expect((await o.get(`/meetings/${meeting.id}/calendar.ics`)).status).toBe(404);
  });

  it("attaches the meeting's calendar entry to the notice email", async () => {
    await makeMember(t.db, t.org.id, { name: "Cal Member", email: "cal@members.example" });
    const meeting = await createMeeting(t.db, t.secretary.id, t.org.id, meetingInput("Notice AGM 2030"));
    await t.db.transaction().execute((trx) => emailMeetingNotice(trx, t.secretary.id, t.org.id, meeting.id, "https://coop.example", "2030-06-01"));
    const mail = await t.db.selectFrom("email_outbox").select(["body", "attachments"]).where("to_email", "=", "cal@members.example").where("subject", "=", "Notice of meeting: Notice AGM 2030").executeTakeFirstOrThrow();
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: "meeting.ics" });
    expect(mail.attachments[0].contentType).toContain("text/calendar");
    expect(unfold(mail.attachments[0].content)).toContain(`UID:meeting-${meeting.id}@coop-register`);
    expect(mail.body).toContain("attached as a calendar entry");
  });

  it("gives a member a private feed of every organisation they belong to, which a new address or switching off ends", async () => {
    const second = await makeOrganisation(t.db);
    const third = await makeOrganisation(t.db);
    const member = await makeUser(t.db, { organisationId: t.org.id, roles: ["member"] });
    await t.db.insertInto("organisation_users").values({ organisation_id: second.id, user_id: member.id }).execute();
    await t.db.insertInto("user_roles").values({ organisation_id: second.id, user_id: member.id, role: "member" }).execute();
    const secondSecretary = await makeUser(t.db, { organisationId: second.id, roles: ["secretary"] });
    const thirdSecretary = await makeUser(t.db, { organisationId: third.id, roles: ["secretary"] });
    const a = await createMeeting(t.db, t.secretary.id, t.org.id, meetingInput("Feed meeting one", "2099-01-10"));
    const b2 = await createMeeting(t.db, secondSecretary.id, second.id, meetingInput("Feed meeting two", "2099-02-10"));
    const c = await createMeeting(t.db, thirdSecretary.id, third.id, meetingInput("Feed meeting three", "2099-03-10"));

    const b = new Browser(t.server.base);
    await b.login(member.email, member.password);
    // The page itself (not only its data) shows the address: it is a page of its own, not nested in the account page.
    expect(await (await b.get("/account/calendar")).text()).toContain("<h1>Calendar feed</h1>");
    const made = await (await b.post("/account/calendar", { intent: "renew" })).text();
    expect(made).toContain("Your private feed address");
    const url = made.match(/https?:\/\/[^<"\s]+\/calendar\/[a-z0-9]+\/meetings\.ics/)?.[0];
    expect(url).toBeDefined();
    const feedPath = new URL(url!).pathname;

    const anonymous = new Browser(t.server.base);
    const feed = unfold(await (await anonymous.get(feedPath)).text());
    expect(feed).toContain(`UID:meeting-${a.id}@coop-register`);
    expect(feed).toContain(`UID:meeting-${b2.id}@coop-register`);
    expect(feed).not.toContain(`UID:meeting-${c.id}@coop-register`);

    await b.post("/account/calendar", { intent: "renew" });
    expect((await anonymous.get(feedPath)).status).toBe(404);
    const again = (await (await b.post("/account/calendar", { intent: "renew" })).text()).match(/\/calendar\/[a-z0-9]+\/meetings\.ics/)![0];
    expect((await anonymous.get(again)).status).toBe(200);
    await b.post("/account/calendar", { intent: "stop" });
    expect((await anonymous.get(again)).status).toBe(404);
  });
});
