import { describe, expect, it } from "vitest";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { statementFile } from "../fixtures/statements/paths";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function signedIn(orgId: string, roles: Parameters<typeof makeUser>[1]["roles"], memberId?: string) {
  const u = await makeUser(t.db, { organisationId: orgId, roles, memberId });
  const b = new Browser(t.server.base);
  await b.login(u.email, u.password);
  return b;
}

async function upload(b: Browser, accountId: string, name: string, fields: Record<string, string> = { intent: "upload" }, bytes = statementFile(name)) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  return fetch(`${t.server.base}/treasury/accounts/${accountId}`, { method: "POST", redirect: "manual", headers: { Cookie: b.cookie, Origin: t.server.base }, body: form });
}

async function addAccount(b: Browser, extra: Record<string, string> = {}) {
  const res = await b.post("/treasury", { intent: "create", name: "Current account", bankName: "Lloyds", accountHolder: "Riverside Community Energy", sortCode: "30-99-50", accountNumber: "11223344", currency: "GBP", ...extra });
  expect(res.status).toBe(302);
  return res.headers.get("location")!.split("/").pop()!;
}

const text = async (b: Browser, path: string) => (await b.get(path)).text();

describe("bank statements over HTTP", () => {
  it("imports a statement, refuses a bad one whole with line numbers, and skips lines already imported", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);

    const bad = await upload(b, id, "bad-lines.csv");
    expect(bad.status).toBe(200);
    const badPage = await bad.text();
    expect(badPage).toContain("Nothing was imported: 3 problems");
    expect(badPage).toMatch(/<td class="num">3<\/td><td class="num"><\/td><td>Transaction Date<\/td><td>&quot;31\/04\/2026&quot; is not a date/);
    expect(badPage).toContain("both paid in and paid out");

    const first = await upload(b, id, "lloyds.csv");
    expect(first.status).toBe(302);
    expect(await text(b, first.headers.get("location")!)).toContain("Imported: 4 new lines, 0 already imported.");
    const overlap = await upload(b, id, "lloyds-overlap.csv");
    const page = await text(b, overlap.headers.get("location")!);
    expect(page).toContain("Imported: 1 new line, 2 already imported.");
    expect(page).toContain("Statement lines (5)");
    expect(page).toContain("GREENFIELD CIC L0003");
    expect(page).toContain("£412.77");
  });

  it("reads OFX and CAMT.053 files from the same form", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["owner"]);
    const id = await addAccount(b);
    for (const [name, n] of [["statement-v1.ofx", 3], ["statement-v2.qfx", 2], ["camt053.xml", 3]] as const) {
      const res = await upload(b, id, name);
      expect(res.status, name).toBe(302);
      expect(await text(b, res.headers.get("location")!)).toContain(`Imported: ${n} new lines, 0 already imported.`);
    }
    const camtBad = await (await upload(b, id, "camt053-bad.xml")).text();
    expect(camtBad).toContain("Nothing was imported: 5 problems");
  });

  it("asks which column is which for an unknown layout, then remembers the answer for the account", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);
    const ask = await (await upload(b, id, "unity-trust.csv")).text();
    expect(ask).toContain("Which column is which?");
    expect(ask).toContain("Column 5: Money In");
    const mapped = await upload(b, id, "unity-trust.csv", { intent: "map", hasHeader: "on", date: "0", dateFormat: "yyyy-mm-dd", paidIn: "4", paidOut: "5", description: "1", reference: "2", payer: "3", balance: "6", amountSign: "credit-positive" });
    expect(mapped.status).toBe(302);
    expect(await text(b, mapped.headers.get("location")!)).toContain("Imported: 3 new lines, 0 already imported.");
    // The next file in that layout needs no mapping (its lines are already there, so none is new).
    const again = await upload(b, id, "unity-trust.csv");
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toContain("imported=0&existing=3");
  });

  it("refuses a file that is not a statement", async () => {
    const org = await makeOrganisation(t.db);
    const b = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(b);
    const page = await (await upload(b, id, "statement.exe", { intent: "upload" }, new TextEncoder().encode("MZ..."))).text();
    expect(page).toContain("A bank statement is a .csv, .ofx, .qfx or .xml");
  });

  it("lets a loan officer read but not import, refuses a member, and keeps other organisations out", async () => {
    const org = await makeOrganisation(t.db);
    const sec = await signedIn(org.id, ["secretary"]);
    const id = await addAccount(sec);
    await upload(sec, id, "monzo.csv");
    const officer = await signedIn(org.id, ["loan_officer"]);
    expect(await text(officer, `/treasury/accounts/${id}`)).toContain("Lucy Evans");
    expect((await upload(officer, id, "monzo.csv")).status).toBe(403);
    const member = await signedIn(org.id, ["member"]);
    expect((await member.get("/treasury")).status).toBe(403);
    expect((await member.get(`/treasury/accounts/${id}`)).status).toBe(403);
    expect((await upload(member, id, "monzo.csv")).status).toBe(403);
    const other = await makeOrganisation(t.db);
    const outsider = await signedIn(other.id, ["owner"]);
    expect((await outsider.get(`/treasury/accounts/${id}`)).status).toBe(404);
    expect(await text(outsider, "/treasury")).not.toContain("11223344");
    const res = await upload(outsider, id, "monzo.csv");
    expect(await res.text()).toContain("There is no such bank account.");
  });

  it("tells a member how to pay, with their own reference, once an account is marked for payments in", async () => {
    const org = await makeOrganisation(t.db);
    const m = await makeMember(t.db, org.id, { name: "Grace Obi", memberNumber: 45 });
    const member = await signedIn(org.id, ["member"], m.id);
    expect(await text(member, "/my")).toContain("The bank details to pay to have not been set up yet");
    const sec = await signedIn(org.id, ["secretary"]);
    await addAccount(sec, { paymentsIn: "on" });
    const my = await text(member, "/my");
    expect(my).toContain("How to pay by bank transfer");
    expect(my).toContain("30-99-50");
    expect(my).toContain("11223344");
    expect(my).toContain("M00045");
    expect(my).toContain("Payments received for shares");
    expect(await text(sec, `/members/${m.id}`)).toContain("M00045");
  });
});
