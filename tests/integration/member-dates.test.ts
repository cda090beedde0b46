/**
 * A member's own pages write the day they joined in words, in the
 * organisation's locale ("1 April 2022"), not as the database stores it.
 */
import { describe, expect, it } from "vitest";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();
const text = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");

describe("the day a member joined, on their own pages", () => {
  it("is written in words on /my and the dashboard, in the organisation's locale", async () => {
    const org = await makeOrganisation(t.db);
    const joined = await makeMember(t.db, org.id, { name: "Ada Joiner", status: "admitted", on: "2022-04-01" });
    const login = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: joined.id });
    const member = new Browser(t.server.base);
    await member.login(login.email, login.password);
    const my = await text(await member.get("/my"));
    expect(my).toContain("member since 1 April 2022");
    expect(my).not.toContain("2022-04-01");
    expect(await text(await member.get("/dashboard"))).toMatch(/<dt>Member since<\/dt><dd>1 April 2022<\/dd>/);

    await t.db.updateTable("organisations").set({ locale: "de-DE" }).where("id", "=", org.id).execute();
    expect(await text(await member.get("/my"))).toContain("member since 1. April 2022");
  });
});
