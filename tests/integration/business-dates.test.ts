/**
 * Business dates follow the organisation's time zone, not the server's UTC
 * clock: two organisations a day apart on the calendar (UTC+14 and UTC-11,
 * 25 hours apart, so their dates always differ) each see their own today.
 */
import { describe, expect, it } from "vitest";
import { dateInZone } from "~/domain/today";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function secretaryIn(timeZone: string) {
  const org = await makeOrganisation(t.db);
  await t.db.updateTable("organisations").set({ time_zone: timeZone }).where("id", "=", org.id).execute();
  const user = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
  const b = new Browser(t.server.base);
  await b.login(user.email, "correct horse battery staple");
  return b;
}

describe("today() in the organisation's time zone", () => {
  it("offers each organisation its own calendar date as today", async () => {
    const ahead = await secretaryIn("Pacific/Kiritimati");
    const behind = await secretaryIn("Pacific/Pago_Pago");
    const now = new Date();
    const [aheadHtml, behindHtml] = await Promise.all([(await ahead.get("/members/new")).text(), (await behind.get("/members/new")).text()]);
    const aheadDay = dateInZone(now, "Pacific/Kiritimati");
    const behindDay = dateInZone(now, "Pacific/Pago_Pago");
    expect(aheadDay).not.toBe(behindDay);
    expect(aheadHtml).toContain(`value="${aheadDay}"`);
    expect(behindHtml).toContain(`value="${behindDay}"`);
    expect(aheadHtml).not.toContain(`value="${behindDay}"`);
  });

  it("saves the time zone in settings and refuses one that does not exist", async () => {
    const b = await secretaryIn("Europe/London");
    const form = { name: "Zone Co-op", legalForm: "worker-co-op", currency: "GBP", localArea: "", noticeDays: "14", quorumMembers: "2", quorumPercent: "10", specialResolutionPercent: "75", withdrawalNoticeDays: "90", maxProxiesPerHolder: "5", rateCapMonthlyPercent: "3" };
    const bad = await (await b.post("/settings", { ...form, timeZone: "Europe/Preston" })).text();
    expect(bad).toContain("Choose a time zone from the list");
    const ok = await (await b.post("/settings", { ...form, timeZone: "America/New_York" })).text();
    expect(ok).toContain("Settings saved.");
    expect(await (await b.get("/settings")).text()).toMatch(/<option value="America\/New_York" selected/);
  });
});
