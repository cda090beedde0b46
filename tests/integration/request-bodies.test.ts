/**
 * Request bodies as an attacker sends them (issue #13, ADR 0011): every body
 * is held to its route's limit as its bytes arrive, whatever its encoding
 * and content type; a form route takes form posts only; bad input is a 400,
 * 413 or 415 with a message, never a 500.
 */
import { describe, expect, it } from "vitest";
import { bodyLimits, MAX_FORM_BYTES, PUBLIC_BODY_BYTES } from "~/utils/http.server";
import { makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { Browser, serverWithSecretary } from "../http";

const t = serverWithSecretary();

/**
 * Posts a body streamed in 64 KB chunks (chunked: no Content-Length) of up to
 * `total` bytes, made as they are sent and stopped as soon as the answer
 * comes. Returns the answer and how many bytes the server had taken by then.
 */
async function streamPost(path: string, total: number, headers: Record<string, string>, first = "") {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  let answered = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first) controller.enqueue(new TextEncoder().encode(first));
    },
    pull(controller) {
      if (answered || sent >= total) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(t.server.base + path, { method: "POST", redirect: "manual", headers: { Origin: t.server.base, ...headers }, body, duplex: "half" } as RequestInit);
  answered = true;
  return { res, sent };
}

async function signedInSecretary() {
  const b = new Browser(t.server.base);
  await b.login(t.secretary.email, t.secretary.password);
  return b;
}

describe("body limits, counted as the bytes arrive", () => {
  it("cuts off a chunked multipart log-in of hundreds of MB at the public pages' limit, without the server's memory growing", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const { res, sent } = await streamPost("/login", 300 * 1024 * 1024, { "Content-Type": "multipart/form-data; boundary=x" }, '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n');
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(`larger than 64 KB`);
    // Refused early: the answer came after a few chunks past the limit, not after the 300 MB.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    // The server is still there for the next visitor.
    expect((await fetch(t.server.base + "/login")).status).toBe(200);
  });

  it("holds every content type to the limit: url-encoded or not, declared or not", async () => {
    const b = await signedInSecretary();
    // 2 MB of one multipart field to an ordinary form: over the form limit of 1 MB.
    const multipart = await streamPost("/members/new", 2 * 1024 * 1024, { Cookie: b.cookie, "Content-Type": "multipart/form-data; boundary=x" }, '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\n');
    expect(multipart.res.status).toBe(413);
    expect(await multipart.res.text()).toContain("larger than 1 MB");
    const urlEncoded = await streamPost("/members/new", 2 * 1024 * 1024, { Cookie: b.cookie, "Content-Type": "application/x-www-form-urlencoded" }, "name=");
    expect(urlEncoded.res.status).toBe(413);
    // A declared length over the limit is refused before any of the body is read.
    const declared = await fetch(t.server.base + "/forgot-password", {
      method: "POST",
      headers: { Origin: t.server.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=" + "a".repeat(PUBLIC_BODY_BYTES),
    });
    expect(declared.status).toBe(413);
    // Within the limit, the same page answers as usual.
    expect((await b.post("/members/new", { name: "x".repeat(1000) })).status).toBe(200);
  });

  it("answers a browser with a 413 page that leads back, and a script with the message alone", async () => {
    const page = `${t.server.base}/members/new`;
    const big = "name=" + "x".repeat(MAX_FORM_BYTES);
    const b = await signedInSecretary();
    const html = await fetch(page, { method: "POST", headers: { Cookie: b.cookie, Origin: t.server.base, Referer: page, Accept: "text/html,*/*", "Content-Type": "application/x-www-form-urlencoded" }, body: big });
    expect(html.status).toBe(413);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const text = await html.text();
    expect(text).toContain("<h1>Too large to accept</h1>");
    expect(text).toContain('<a href="/members/new">');
    const plain = await fetch(page, { method: "POST", headers: { Cookie: b.cookie, Origin: t.server.base, "Content-Type": "application/x-www-form-urlencoded" }, body: big });
    expect(plain.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await plain.text()).toBe("What you sent is larger than 1 MB and was not accepted.");
  });

  it("gives the upload routes their own limits, and files nowhere else", async () => {
    const officer = await makeUser(t.db, { organisationId: t.org.id, roles: ["loan_officer"] });
    const { loan } = await makeLoan(t.db, t.org.id);
    const b = new Browser(t.server.base);
    await b.login(officer.email, officer.password);
    const upload = (path: string, bytes: number) => {
      const form = new FormData();
      form.append("loanId", loan.id);
      // A PDF by its first bytes (uploads are checked by content), padded to the size wanted.
      const pdf = new Uint8Array(bytes);
      pdf.set(new TextEncoder().encode("%PDF-1.7\n"));
      form.append("file", new File([pdf], "plan.pdf", { type: "application/pdf" }));
      return fetch(t.server.base + path, { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: t.server.base }, body: form });
    };
    // 3 MB: within the documents route's 5 MB, over an ordinary form's 1 MB.
    expect(bodyLimits("/documents/upload").maxFileBytes).toBe(5 * 1024 * 1024);
    // The same limits when the page's script submits the form (Remix single fetch posts to the path + ".data").
    expect(bodyLimits("/import.data")).toEqual(bodyLimits("/import"));
    expect(bodyLimits("/login.data")).toEqual(bodyLimits("/login"));
    // 1.2 MB: over an ordinary form's limit, well within the import's.
    const secretary = await signedInSecretary();
    const csv = new FormData();
    csv.append("file", new File(["name\n" + "x".repeat(1200 * 1024)], "members.csv", { type: "text/csv" }));
    const scripted = await fetch(t.server.base + "/import.data", { method: "POST", headers: { Cookie: secretary.cookie, Origin: t.server.base }, body: csv });
    expect(scripted.status).toBe(200);
    const document = await upload("/documents/upload", 3 * 1024 * 1024);
    expect(document.status).toBe(302);
    expect(document.headers.get("location")).toContain("documentAdded=1");
    expect((await upload(`/loans/${loan.id}`, 3 * 1024 * 1024)).status).toBe(413);
    // The file alone over the route's limit, whatever the rest: refused as it streams.
    const over = await upload("/documents/upload", 5 * 1024 * 1024 + 1);
    expect(over.status).toBe(413);
    expect(await over.text()).toContain("larger than 5 MB");
    // A small file to a form that takes none.
    const noFiles = await upload(`/loans/${loan.id}`, 10);
    expect(noFiles.status).toBe(400);
    const noFilesPage = await noFiles.text();
    expect(noFilesPage).toContain("This form takes no files.");
    // The error page leads back to the page's form.
    expect(noFilesPage).toContain(`href="/loans/${loan.id}"`);
  });
});

describe("bad input is a 400 or 415 with a message, never a 500", () => {
  it("refuses JSON, XML, plain text and no content type at a form route with 415", async () => {
    const b = await signedInSecretary();
    for (const [type, body] of [["application/json", '{"name":"x"}'], ["application/xml", "<name>x</name>"], ["text/plain", "name=x"], ["", "name=x"]]) {
      const res = await fetch(t.server.base + "/members/new", { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: t.server.base, ...(type ? { "Content-Type": type } : {}) }, body: type ? body : new Blob([body]) });
      expect(res.status, type || "no content type").toBe(415);
      expect(await res.text()).toContain("takes HTML form posts only");
    }
    // The same for anyone at a public page.
    const anonymous = await fetch(t.server.base + "/login", { method: "POST", headers: { Origin: t.server.base, "Content-Type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(415);
    // Webhooks take their own content type (and are refused for their signature, not their type).
    const webhook = await fetch(t.server.base + "/webhooks/stripe", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(webhook.status).not.toBe(415);
    expect(webhook.status).toBeLessThan(500);
  });

  it("refuses a malformed multipart body and a NUL character with 400", async () => {
    const b = await signedInSecretary();
    const noBoundary = await fetch(t.server.base + "/members/new", { method: "POST", headers: { Cookie: b.cookie, Origin: t.server.base, "Content-Type": "multipart/form-data" }, body: "--x\r\n" });
    expect(noBoundary.status).toBe(400);
    const nul = await b.post("/members/new", { kind: "person", name: "Ann\u0000", postcode: "PR1 1AA", status: "admitted", statusDate: "2026-01-01" });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain("NUL character");
    const anonymous = await new Browser(t.server.base).post("/login", { email: "a\u0000@example.org", password: "x" });
    expect(anonymous.status).toBe(400);
    const nulQuery = await b.get("/members?q=%00");
    expect(nulQuery.status).toBe(400);
  });

  it("answers a search over 200 characters with 400 and a message", async () => {
    const b = await signedInSecretary();
    const res = await b.get(`/members?q=${"a".repeat(201)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("200 characters");
    expect((await b.get(`/members?q=${"a".repeat(200)}`)).status).toBe(200);
  });

  it("answers amounts beyond bigint and member numbers beyond the register's with field errors, writing nothing", async () => {
    const b = await signedInSecretary();
    const huge = "99999999999999999999999";
    const share = await b.post("/shares/classes/new", { name: "Huge Par", parValue: huge, minHolding: "1", noticeDays: "90", interestRate: "0", voting: "one-member-one-vote" });
    expect(share.status).toBe(200);
    expect(await share.text()).toContain("Enter the par value as an amount like 1.00");
    expect(await t.db.selectFrom("share_classes").select("id").where("organisation_id", "=", t.org.id).where("name", "=", "Huge Par").execute()).toHaveLength(0);
    const purchase = await b.post("/shares/purchase", { memberNumber: huge, classId: "00000000-0000-4000-8000-000000000000", shares: "1", method: "cash", paidOn: "2026-01-01" });
    expect(purchase.status).toBe(200);
    expect(await purchase.text()).toContain("No member has that number");
    const lm3 = await b.post("/lm3", { intent: "calculate", name: "Big", periodFrom: "2025-01-01", periodTo: "2025-12-31", income: huge, suppliers: "1", staff: "1", r3Source: "entered", respend: "1" });
    expect(lm3.status).toBe(200);
    expect(await lm3.text()).toContain("That is more than any amount taken");
  });
});
