/**
 * The organisation's locale (issue #17 point 3): chosen in the settings
 * (a locale not on the list refused beside the field, the change audited),
 * and then how pages, emails and PDFs write money and dates; CSV files keep
 * plain amounts.
 */
import { describe, expect, it } from "vitest";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";
import { saveImpactSettings } from "~/models/impact/procurement.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";
import { pdfText } from "../pdf-text";
import { displayShortDate } from "~/domain/locale";

const t = appTestBed();

/** Intl writes a no-break space (U+00A0, or U+202F) between amount and symbol; HTML may carry it as an entity. */
const plain = (text: string) => text.replace(/&nbsp;|&#xa0;|&#160;|\u00a0|\u202f/gi, " ");

const SETTINGS = { name: "Genossenschaft Test", legalForm: "co-operative-society", currency: "EUR", timeZone: "Europe/London", localArea: "", noticeDays: "14", quorumMembers: "2", quorumPercent: "10", specialResolutionPercent: "75", withdrawalNoticeDays: "90", maxProxiesPerHolder: "5", rateCapMonthlyPercent: "3" };

describe("the organisation's locale", () => {
  it("is refused when not on the list, saved and audited when it is, and then writes money on pages, emails and PDFs", async () => {
    const org = await makeOrganisation(t.db);
    const owner = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
    const b = new Browser(t.server.base);
    await b.login(owner.email, owner.password);
    const locale = async () => (await t.db.selectFrom("organisations").select("locale").where("id", "=", org.id).executeTakeFirstOrThrow()).locale;

    // A new organisation writes as before: en-GB.
    expect(await locale()).toBe("en-GB");
    const settings = await (await b.get("/settings")).text();
    expect(settings).toMatch(/<option value="en-GB" selected/);
    for (const code of ["en-IE", "en-US", "cy-GB", "ga-IE", "fr-FR", "de-DE", "es-ES", "nl-NL", "it-IT", "pt-PT"]) expect(settings).toContain(`<option value="${code}"`);

    // Euros, still in en-GB: "€1,234.56".
    expect(await (await b.post("/settings", { ...SETTINGS, locale: "en-GB" })).text()).toContain("Settings saved.");
    expect((await b.post("/shares/classes/new", { name: "Anteile", parValue: "1234.56", minHolding: "1", maxHolding: "1000000.00", withdrawable: "on", noticeDays: "90", interestRate: "0", voting: "one-member-one-vote" })).status).toBe(302);
    expect(plain(await (await b.get("/shares")).text())).toContain("€1,234.56");

    // A locale not on the list: refused beside the field, nothing saved.
    for (const bad of ["xx-XX", "de", "en-GB<script>"]) {
      const html = await (await b.post("/settings", { ...SETTINGS, name: "Not saved", locale: bad })).text();
      expect(html).toContain("Choose a locale from the list, e.g. en-GB");
      expect(html).toMatch(/id="[^"]*locale[^"]*"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="[^"]*locale/);
      expect(html).not.toContain("Settings saved.");
    }
    expect(await locale()).toBe("en-GB");

    // German: saved, audited with before and after.
    expect(await (await b.post("/settings", { ...SETTINGS, locale: "de-DE" })).text()).toContain("Settings saved.");
    expect(await locale()).toBe("de-DE");
    expect(await (await b.get("/settings")).text()).toMatch(/<option value="de-DE" selected/);
    const audit = await t.db.selectFrom("audit_events").select("body").where("organisation_id", "=", org.id).where("action", "=", "organisation.settings_changed").orderBy("seq", "desc").executeTakeFirstOrThrow();
    const body = typeof audit.body === "string" ? JSON.parse(audit.body) : audit.body;
    expect(JSON.stringify(body)).toContain('"locale":"en-GB"');
    expect(JSON.stringify(body)).toContain('"locale":"de-DE"');
    expect(await (await b.get("/audit")).text()).toMatch(/changed the organisation’s settings \([^)]*locale/);
    // A form without the field (a page from before it) leaves the locale alone.
    expect(await (await b.post("/settings", SETTINGS)).text()).toContain("Settings saved.");
    expect(await locale()).toBe("de-DE");

    // The page: "1.234,56 €", no longer "€1,234.56".
    const shares = plain(await (await b.get("/shares")).text());
    expect(shares).toContain("1.234,56 €");
    expect(shares).not.toContain("€1,234.56");
    // What a page writes itself, not a loader's string: a product form's labels carry the organisation's sign.
    const officer = await makeUser(t.db, { organisationId: org.id, roles: ["loan_officer"] });
    const lending = new Browser(t.server.base);
    await lending.login(officer.email, officer.password);
    const products = plain(await (await lending.get("/products")).text());
    expect(products).toContain("Arrangement fee (€)");
    expect(products.match(/0\.01 rounds to[^<]*/)?.[0]).toBe("0.01 rounds to 0,01 €, 1 to 1 €.");
    expect(products).not.toContain("(£)");

    // The email to someone applying to join, through the public page (no session).
    const cls = await t.db.selectFrom("share_classes").select("id").where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    const visitor = new Browser(t.server.base);
    const joinPage = plain(await (await visitor.get(`/join/${org.slug}`)).text());
    expect(joinPage).toContain("Anteile: 1.234,56 € each");
    const joined = await visitor.post(`/join/${org.slug}`, { kind: "person", name: "Grete Weber", email: "grete@example.org", address: "3 Church St, Preston", postcode: "PR1 3BQ", classId: cls.id, shares: "2", declarations: ["rules", "age", "risk"] });
    expect(await joined.text()).toContain("your application has been received");
    const mail = await t.db.selectFrom("email_outbox").select("body").where("organisation_id", "=", org.id).where("to_email", "=", "grete@example.org").executeTakeFirstOrThrow();
    expect(plain(mail.body)).toContain("Thank you for applying for 2 Anteile (2.469,12 €)");

    // Admitted: the certificate (a PDF) in German figures, the register CSV in plain ones.
    const app = await t.db.selectFrom("share_applications").select("id").where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    const today = dateInZone(new Date(), DEFAULT_TIME_ZONE);
    expect(await (await b.post("/shares/applications", { decision: "admit", applicationId: app.id, on: today })).text()).toMatch(/Admitted as member no\. \d+/);
    const cert = await t.db.selectFrom("share_certificates").select("id").where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    const pdf = await b.get(`/shares/certificates/${cert.id}`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = plain(await pdfText(Buffer.from(await pdf.arrayBuffer())));
    expect(text).toContain("1.234,56 € each, 2.469,12 € in total");
    // Pages write the day in the locale's words, the ISO day kept for machines (issue #16).
    expect(await (await b.get("/members")).text()).toContain(`<time dateTime="${today}">${displayShortDate(today, "de-DE")}</time>`);
    expect(displayShortDate(today, "de-DE")).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    const register = plain(await pdfText(Buffer.from(await (await b.get("/register/pdf")).arrayBuffer())));
    expect(register).toContain("2.469,12 €");
    const csv = await (await b.get("/register/csv")).text();
    expect(csv.split("\n").find((l) => l.includes("Grete Weber"))).toContain(",2469.12,");

    // The public impact page (no session) writes the share capital in German figures too.
    await saveImpactSettings(t.db, null, org.id, { widerArea: [], publicPage: true, publicSummary: "" });
    expect(plain(await (await new Browser(t.server.base).get(`/p/${org.slug}`)).text())).toContain("2.469,12 €");

    // Back to en-GB: the same pages as before, to the byte.
    expect(await (await b.post("/settings", { ...SETTINGS, locale: "en-GB" })).text()).toContain("Settings saved.");
    expect(plain(await (await b.get("/shares")).text())).toContain("€1,234.56");
    expect(plain(await pdfText(Buffer.from(await (await b.get(`/shares/certificates/${cert.id}`)).arrayBuffer())))).toContain("€1,234.56 each, €2,469.12 in total");
  });
});
