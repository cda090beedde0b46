import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { Browser, startTestServer, type TestServer } from "../http";

let server: TestServer;
beforeAll(async () => {
  await testDb();
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function upload(b: Browser, fields: Record<string, string>, file?: { name: string; type: string; body: Uint8Array }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append("file", new Blob([new Uint8Array(file.body)], { type: file.type }), file.name);
  return fetch(`${server.base}/documents/upload`, { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: server.base }, body: form });
}

describe("lending documents", () => {
  it("lets the loan officer add a document to a loan, shows it on the page and serves it as a download", async () => {
    const db = await testDb();
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const { loan } = await makeLoan(db, org.id);
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    const res = await upload(b, { loanId: loan.id }, { name: "business plan.pdf", type: "application/pdf", body: new TextEncoder().encode("%PDF-1.4 plan") });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/loans/${loan.id}?documentAdded=1#documents`);
    const page = await (await b.get(`/loans/${loan.id}`)).text();
    expect(page).toContain("business plan.pdf");
    const id = /href="\/documents\/([0-9a-f-]{36})"/.exec(page)![1];
    const file = await b.get(`/documents/${id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(await file.text()).toBe("%PDF-1.4 plan");
  });

  it("serves an uploaded HTML file only as an inert download, refuses empty and oversized files, and hides other organisations' files", async () => {
    const db = await testDb();
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const { loan } = await makeLoan(db, org.id);
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    await upload(b, { loanId: loan.id }, { name: "evil.html", type: "text/html", body: new TextEncoder().encode("<script>alert(1)</script>") });
    const page = await (await b.get(`/loans/${loan.id}`)).text();
    const id = /href="\/documents\/([0-9a-f-]{36})"/.exec(page)![1];
    expect((await b.get(`/documents/${id}`)).headers.get("content-type")).toBe("application/octet-stream");

    const empty = await upload(b, { loanId: loan.id }, { name: "empty.txt", type: "text/plain", body: new Uint8Array() });
    expect(decodeURIComponent(empty.headers.get("location") ?? "")).toContain("documentError=Choose a file to upload.");
    const big = await upload(b, { loanId: loan.id }, { name: "big.pdf", type: "application/pdf", body: new Uint8Array(5 * 1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    const count = await db.selectFrom("loan_documents").select("id").where("loan_id", "=", loan.id).execute();
    expect(count).toHaveLength(1);

    const other = await makeOrganisation(db);
    const stranger = await makeUser(db, { organisationId: other.id, roles: ["loan_officer"] });
    const s = new Browser(server.base);
    await s.login(stranger.email, stranger.password);
    expect((await s.get(`/documents/${id}`)).status).toBe(404);
    expect((await upload(s, { loanId: loan.id }, { name: "x.txt", type: "text/plain", body: new TextEncoder().encode("x") })).status).toBe(404);
  });
});
