/**
 * The books over HTTP: the page shows the trial balance brought up to date
 * from the ledgers; the mapping saves; an export downloads the package's
 * CSV and the period shows as locked; a refused export says why; an auditor
 * sees the books but cannot export.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { makeMember, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser, pageText } from "../http";

const t = appTestBed();

describe("the books pages", () => {
  it("trial balance, mapping, export and lock, as the secretary; view only as the auditor", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db);
    const member = await makeMember(t.db, org.id, { name: "Hana Ledger", on: "2025-01-10" });
    const bought = await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: member.id, classId: cls.id, shares: 250, on: "2025-02-01", method: "cash" }));
    expect(bought.ok).toBe(true);
    const b = new Browser(t.server.base);
    await b.login(secretary.email, secretary.password);

    const page = await b.get("/books?asAt=2025-12-31");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("The books balance.");
    expect(html).toMatch(/3000 Share capital[\s\S]*?£250\.00/);

    const saved = await b.post("/books", { "accounts[0].code": "1200", "accounts[0].externalCode": "090", "accounts[0].externalName": "Business Bank" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Mapping saved (1 account changed).");

    const refused = await b.post("/books/export", { from: "2025-01-01", to: "2099-12-31", format: "xero" });
    expect(refused.status).toBe(302);
    const back = await b.get(refused.headers.get("location")!);
    expect(await back.text()).toContain("A period can be exported once it is over");

    const exported = await b.post("/books/export", { from: "2025-01-01", to: "2025-12-31", format: "xero" });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("text/csv");
    expect(exported.headers.get("content-disposition")).toContain(`journal-${org.slug}-2025-01-01-to-2025-12-31-xero.csv`);
    const rows = parse(await exported.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r["*AccountCode"], r["*Amount"]])).toEqual([["090", "250.00"], ["3000", "-250.00"]]);
    const after = await (await b.get("/books")).text();
    // The day in words (issue #16), the ISO day kept in the <time> around it.
    expect(pageText(after)).toContain("The books are locked through 31 December 2025.");
    expect(after).toContain('<time dateTime="2025-12-31">31 December 2025</time>');

    const auditor = await makeUser(t.db, { organisationId: org.id, roles: ["auditor"] });
    const a = new Browser(t.server.base);
    await a.login(auditor.email, auditor.password);
    const seen = await a.get("/books?asAt=2025-12-31");
    expect(seen.status).toBe(200);
    expect(await seen.text()).not.toContain("Export and lock the period");
    expect((await a.post("/books/export", { from: "2026-01-01", to: "2026-01-31", format: "sage" })).status).toBe(403);
  });
});
