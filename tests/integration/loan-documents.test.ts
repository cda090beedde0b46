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
    // An HTML page is refused at upload; one stored before that check is still served only as an inert download.
    const html = await upload(b, { loanId: loan.id }, { name: "evil.html", type: "text/html", body: new TextEncoder().encode("<script>alert(1)</script>") });
    expect(decodeURIComponent(html.headers.get("location") ?? "")).toContain("documentError=Files ending .html cannot be uploaded.");
    const legacy = await db.insertInto("loan_documents").values({ organisation_id: org.id, loan_id: loan.id, application_id: null, filename: "evil.html", content_type: "text/html", size: 25, content: new TextEncoder().encode("<script>alert(1)</script>"), uploaded_by: officer.id }).returning("id").executeTakeFirstOrThrow();
    const id = legacy.id;
    expect((await b.get(`/documents/${id}`)).headers.get("content-type")).toBe("application/octet-stream");

    const empty = await upload(b, { loanId: loan.id }, { name: "empty.txt", type: "text/plain", body: new Uint8Array() });
    const page = await (await b.get(`/loans/${loan.id}`)).text();
    expect(page).toContain("evil.html");
    expect(decodeURIComponent(empty.headers.get("location") ?? "")).toContain("documentError=Choose a file to upload.");
    // Too big (6 MB): refused as the bytes arrive (the front door's per-route limit, ADR 0011), nothing stored.
    const big = await upload(b, { loanId: loan.id }, { name: "big.pdf", type: "application/pdf", body: new Uint8Array(6 * 1024 * 1024) });
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

  it("checks uploads by their content: refuses programs and mismatched names with a clear message, stores a safe name", async () => {
    const db = await testDb();
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const { loan } = await makeLoan(db, org.id);
    const b = new Browser(server.base);
    await b.login(officer.email, officer.password);
    const program = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, ...new TextEncoder().encode("This program cannot be run in DOS mode")]);
    const message = async (res: Response) => decodeURIComponent(new URL(res.headers.get("location") ?? "", server.base).searchParams.get("documentError") ?? "");
    for (const name of ["setup.exe", "invoice.pdf.exe", "invoice.pdf"]) {
      const res = await upload(b, { loanId: loan.id }, { name, type: "application/pdf", body: program });
      expect(res.status).toBe(302);
      expect(await message(res)).toMatch(/^This file is a Windows program, not a document, so it cannot be uploaded\. Upload PDF, images/);
    }
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await message(await upload(b, { loanId: loan.id }, { name: "statement.pdf", type: "application/pdf", body: png }))).toBe(
      "The file's name ends .pdf, saying it is a PDF, but its content is a PNG image. Rename it to match, or upload the right file.",
    );
    expect(await db.selectFrom("loan_documents").select("id").where("loan_id", "=", loan.id).execute()).toEqual([]);

    const ok = await upload(b, { loanId: loan.id }, { name: "../../Shop <front>.png", type: "application/x-msdownload", body: png });
    expect(ok.headers.get("location")).toBe(`/loans/${loan.id}?documentAdded=1#documents`);
    const stored = await db.selectFrom("loan_documents").select(["filename", "content_type"]).where("loan_id", "=", loan.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ filename: "Shop _front_.png", content_type: "image/png" });
  });
});
