import { describe, expect, it } from "vitest";
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { makeMember, makeOrganisation } from "../../db/factories";
import { Browser, serverWithSecretary } from "../http";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";
import { moneyProblems } from "../mail-money";

const t = serverWithSecretary();

async function signedIn(user = t.secretary) {
  const b = new Browser(t.server.base);
  await b.login(user.email, user.password);
  return b;
}

describe("share classes, purchases and the register over HTTP", () => {
  it("creates a class, records a purchase, refuses bad input beside the field, and shows it on the register", async () => {
    const b = await signedIn();
    const bad = await b.post("/shares/classes/new", { name: "", parValue: "abc", minHolding: "1", noticeDays: "90", interestRate: "0", voting: "one-member-one-vote" });
    expect(bad.status).toBe(200);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Enter a name");
    expect(badHtml).toContain("Enter the par value as an amount like 1.00");
    const created = await b.post("/shares/classes/new", { name: "Community Shares", parValue: "1.00", minHolding: "10", maxHolding: "1000.00", withdrawable: "on", noticeDays: "90", interestRate: "3", voting: "one-member-one-vote" });
    expect(created.status).toBe(302);
    const cls = await t.db.selectFrom("share_classes").selectAll().where("organisation_id", "=", t.org.id).executeTakeFirstOrThrow();
    expect(cls).toMatchObject({ par_value: 100n, max_holding_value: 100000n, min_holding: 10, withdrawable: true, transferable: false, interest_rate_bp: 300 });

    const m = await makeMember(t.db, t.org.id, { name: "Ada Baker", on: "2025-06-01", email: "ada@example.org" });
    const form = { memberNumber: String(m.member_number), classId: cls.id, shares: "2.5", method: "cheque", paidOn: "2026-01-10", reference: "CHQ 7" };
    const frac = await (await b.post("/shares/purchase", form)).text();
    expect(frac).toContain("Shares can only be whole");
    expect(frac).toContain('value="CHQ 7"'); // typed values stay
    const over = await (await b.post("/shares/purchase", { ...form, shares: "1001" })).text();
    expect(over).toContain("may not exceed £1,000.00");
    const ok = await b.post("/shares/purchase", { ...form, shares: "250" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`/shares/members/${m.id}?recorded=1`);
    const page = await (await b.get(`/shares/members/${m.id}`)).text();
    expect(page).toContain("£250.00");

    const reg = await (await b.get("/register?q=ada")).text();
    expect(reg).toContain("Ada Baker");
    expect(reg).toContain("£250.00");
    const csv = await (await b.get("/register/csv")).text();
    const line = csv.split("\n").find((l) => l.includes("Ada Baker"))!;
    expect(line).toContain("250,250.00,Community Shares: 250");
    expect(line).toContain("2025-06-01");
    // As at a day before the purchase: on the register, holding nothing yet.
    const before = await (await b.get("/register/csv?asAt=2026-01-09")).text();
    expect(before.split("\n").find((l) => l.includes("Ada Baker"))).toContain(",0,0.00,");
    // Before admission: not on the register at all.
    expect(await (await b.get("/register/csv?asAt=2025-05-31")).text()).not.toContain("Ada Baker");
    const pdf = await b.get("/register/pdf");
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const cert = await t.db.selectFrom("share_certificates").select("id").where("organisation_id", "=", t.org.id).executeTakeFirstOrThrow();
    const certPdf = await b.get(`/shares/certificates/${cert.id}`);
    expect(certPdf.status).toBe(200);
    expect(certPdf.headers.get("content-type")).toBe("application/pdf");
  });

  it("keeps the register of another organisation out of reach", async () => {
    const other = await makeOrganisation(t.db);
    const stranger = await makeMember(t.db, other.id, { name: "Quentin Elsewhere" });
    const b = await signedIn();
    expect((await b.get(`/shares/members/${stranger.id}`)).status).toBe(404);
    expect(await (await b.get("/register/csv?status=all")).text()).not.toContain("Quentin Elsewhere");
  });
});

describe("joining over HTTP", () => {
  it("takes a public application, reports every bad field, and the secretary admits (number, shares, certificate, email) or declines", async () => {
    const b = await signedIn();
    await b.post("/shares/classes/new", { name: "Ordinary Shares", parValue: "25.00", minHolding: "1", maxHolding: "100000.00", withdrawable: "on", noticeDays: "30", interestRate: "0", voting: "one-member-one-vote" });
    const jorg = await t.db.selectFrom("organisations").select("slug").where("id", "=", t.org.id).executeTakeFirstOrThrow();
    const cls = await t.db.selectFrom("share_classes").select("id").where("organisation_id", "=", t.org.id).where("name", "=", "Ordinary Shares").executeTakeFirstOrThrow();
    const today = dateInZone(new Date(), DEFAULT_TIME_ZONE);
    const visitor = new Browser(t.server.base);
    expect((await visitor.get(`/join/${jorg.slug}`)).status).toBe(200);
    expect((await visitor.get("/join/no-such-society")).status).toBe(404);
    const base = { kind: "person", name: "Grace Hopper", email: "grace@example.org", address: "3 Church St, Preston", postcode: "PR1 3BQ", classId: cls.id, shares: "4" };
    const bad = await (await visitor.post(`/join/${jorg.slug}`, { ...base, postcode: "XX", shares: "0" })).text();
    expect(bad).toContain("Enter a UK postcode like PR1 2AB");
    expect(bad).toContain("Enter at least 1 share");
    expect(bad).toContain("Tick every declaration to apply");
    const good = await visitor.post(`/join/${jorg.slug}`, { ...base, declarations: ["rules", "age", "risk"] });
    expect(await good.text()).toContain("your application has been received");
    const app = await t.db.selectFrom("share_applications").selectAll().where("organisation_id", "=", t.org.id).executeTakeFirstOrThrow();
    expect(app).toMatchObject({ status: "pending", shares: 4 });
    expect(await (await b.get("/shares/applications")).text()).toContain("Grace Hopper");

    const admitted = await (await b.post("/shares/applications", { decision: "admit", applicationId: app.id, on: today })).text();
    expect(admitted).toMatch(/Admitted as member no\. \d+; certificate no\. \d+ issued/);
    const member = await t.db.selectFrom("members").selectAll().where("id", "=", app.member_id).executeTakeFirstOrThrow();
    expect(member).toMatchObject({ status: "admitted", admitted_on: today });
    const h = await t.db.selectFrom("share_holdings").selectAll().where("member_id", "=", member.id).executeTakeFirstOrThrow();
    expect(h).toMatchObject({ shares: 4n, value: 10000n });
    const mail = await t.db.selectFrom("email_outbox").select(["to_email", "subject", "body"]).where("organisation_id", "=", t.org.id).where("to_email", "=", "grace@example.org").execute();
    expect(mail.map((m) => m.subject)).toContain(`Welcome to Test Co-op ${jorg.slug}`);
    // The application's acknowledgement names the money with its currency: four shares, £100.00.
    const acknowledged = mail.find((m) => m.subject.startsWith("Your application to join"))!;
    expect(acknowledged.body).toContain("(£100.00)");
    expect(moneyProblems(acknowledged.body)).toEqual([]);
    // Deciding twice is refused.
    expect(await (await b.post("/shares/applications", { decision: "admit", applicationId: app.id, on: today })).text()).toContain("already been decided");

    await visitor.post(`/join/${jorg.slug}`, { ...base, name: "Mallory", email: "mallory@example.org", declarations: ["rules", "age", "risk"] });
    const app2 = await t.db.selectFrom("share_applications").selectAll().where("organisation_id", "=", t.org.id).where("status", "=", "pending").executeTakeFirstOrThrow();
    expect(await (await b.post("/shares/applications", { decision: "decline", applicationId: app2.id, on: today, reason: "" })).text()).toContain("Give a reason");
    // Declining cannot be undone: without the confirmation it is refused and the application still waits.
    expect(await (await b.post("/shares/applications", { decision: "decline", applicationId: app2.id, on: today, reason: "Lives outside our area of benefit" })).text()).toContain(CONFIRMATION_MISSING);
    expect((await t.db.selectFrom("share_applications").select("status").where("id", "=", app2.id).executeTakeFirstOrThrow()).status).toBe("pending");
    await b.post("/shares/applications", { decision: "decline", applicationId: app2.id, on: today, reason: "Lives outside our area of benefit", confirmed: "yes" });
    const declinedMail = await t.db.selectFrom("email_outbox").select("body").where("to_email", "=", "mallory@example.org").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(declinedMail.body).toContain("Lives outside our area of benefit");
    expect(await (await b.get("/register/csv?status=all")).text()).not.toContain("Mallory");
  });
});
