/**
 * The impact routes over HTTP: each role allowed or refused as the
 * permission table says (until the shared authorisation matrix carries
 * these routes), uploads refused whole with line numbers, CSV and PDF out.
 */
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsFor, ROLES, type Permission, type Role } from "~/domain/permissions";
import { createSession } from "~/models/core/auth.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { impactFixtures } from "../fixtures/impact";
import { startTestServer, type TestServer } from "../http";

let db: Database;
let server: TestServer;
let org: { id: string; slug: string };
let fixtures: Record<string, string>;
const users = {} as Record<Role | "outsider", string>;
const orgOf = {} as Record<Role | "outsider", string>;

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  org = await makeOrganisation(db, { localArea: ["PR1-PR5"] });
  const member = await makeMember(db, org.id, { postcode: "PR1 1AA" });
  for (const role of ROLES) {
    users[role] = (await makeUser(db, { organisationId: org.id, roles: [role], memberId: role === "member" ? member.id : null })).id;
    orgOf[role] = org.id;
  }
  const other = await makeOrganisation(db);
  users.outsider = (await makeUser(db, { organisationId: other.id, roles: [...ROLES] })).id;
  orgOf.outsider = other.id;
  fixtures = await impactFixtures({ db, organisationId: org.id, memberId: member.id, users });
});
afterAll(async () => server?.close());

async function cookieFor(who: Role | "outsider") {
  const { token } = await createSession(db, users[who], orgOf[who]);
  return `session=${token}`;
}

async function send(who: Role | "outsider" | "anonymous", path: string, init: { method?: string; body?: BodyInit; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Origin: server.base };
  if (who !== "anonymous") headers.Cookie = await cookieFor(who);
  let body = init.body;
  if (init.form) {
    body = new URLSearchParams(init.form);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  return fetch(server.base + path, { method: init.method ?? (body ? "POST" : "GET"), redirect: "manual", headers, body });
}

const GETS: [string, Permission][] = [
  ["/impact", "impact:read"],
  ["/impact/csv?figure=capital", "impact:read"],
  ["/impact/summary", "self:read"],
  ["/impact/settings", "organisation:manage"],
  ["/procurement", "impact:read"],
  ["/procurement/:anchorId", "impact:read"],
  ["/procurement/:anchorId/csv", "impact:read"],
  ["/lm3", "impact:read"],
  ["/reports/annual", "impact:read"],
  ["/reports/annual/csv", "impact:read"],
  ["/reports/annual/pdf", "impact:read"],
  ["/reports/statements/:statementMemberId", "register:read"],
];
const POSTS: [string, Permission][] = [
  ["/procurement", "organisation:manage"],
  ["/procurement/:anchorId", "organisation:manage"],
  ["/lm3", "organisation:manage"],
  ["/impact/settings", "organisation:manage"],
];
const fill = (p: string) => p.replace(/:(\w+)/g, (_, n: string) => fixtures[n]);

describe("permissions", () => {
  it("allows and refuses each role per the permission table", async () => {
    for (const [method, list] of [["GET", GETS], ["POST", POSTS]] as const) {
      for (const [path, permission] of list) {
        const url = fill(path);
        const anon = await send("anonymous", url, { method, form: method === "POST" ? {} : undefined });
        expect(anon.status, `${method} ${path} anonymous`).toBe(302);
        for (const role of ROLES) {
          const res = await send(role, url, { method, form: method === "POST" ? {} : undefined });
          if (permissionsFor([role]).has(permission)) {
            expect(res.status, `${method} ${path} as ${role}`).toBeLessThan(400);
          } else expect(res.status, `${method} ${path} as ${role}`).toBe(403);
        }
      }
    }
  }, 120_000);

  it("answers 404 for another organisation's anchor institution", async () => {
    const res = await send("outsider", fill("/procurement/:anchorId"));
    expect(res.status).toBe(404);
    expect((await send("outsider", fill("/procurement/:anchorId/csv"))).status).toBe(404);
    expect((await send("owner", "/procurement/not-a-uuid")).status).toBe(404);
    expect((await send("outsider", fill("/reports/statements/:statementMemberId"))).status).toBe(404);
  });

  it("hides the public page until the society opts in", async () => {
    expect((await send("anonymous", fill("/p/:publicSlug"))).status).toBe(404);
    const res = await send("owner", "/impact/settings", { form: { intent: "settings", widerArea: "PR, BB", publicPage: "on", publicSummary: "Fixture summary." } });
    expect(res.status).toBe(200);
    const page = await send("anonymous", fill("/p/:publicSlug"));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Fixture summary.");
    expect(html).toContain("Share capital held locally");
  });
});

describe("spend upload", () => {
  function upload(csv: string, name = "spend.csv") {
    const form = new FormData();
    form.set("intent", "upload");
    form.set("spendFile", new File([csv], name, { type: "text/csv" }));
    return send("secretary", fill("/procurement/:anchorId"), { method: "POST", body: form });
  }

  it("refuses a file with bad rows whole, naming each line and reason", async () => {
    const before = await db.selectFrom("spend_uploads").select("id").where("organisation_id", "=", org.id).execute();
    const res = await upload("supplier,postcode,amount,period\nGood Ltd,PR1 2AB,10.00,2026-01\nBad Postcode,PR1 2A,10.00,2026-01\nBad Amount,PR1 2AB,-5,2026-01\n");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Nothing was saved: 2 problems");
    expect(html).toMatch(/<td>3<\/td><td>postcode<\/td><td>bad postcode/);
    expect(html).toMatch(/<td>4<\/td><td>amount<\/td>/);
    const after = await db.selectFrom("spend_uploads").select("id").where("organisation_id", "=", org.id).execute();
    expect(after.length).toBe(before.length);
  });

  it("saves a good file and reports it in the CSV", async () => {
    const res = await upload("supplier,postcode,amount,period,category\nLocal Veg,PR2 1AA,300.00,2026-02,Food\nLeeds Paper,LS1 1AA,700.00,2026-02,Paper\n");
    expect(await res.text()).toContain("Saved 2 spend lines totalling £1,000.00");
    const csv = await (await send("auditor", fill("/procurement/:anchorId/csv"))).text();
    // The fixture's 2026-Q1 file (local 1,200 of 2,000) and this 2026-02 one (local 300 of 1,000).
    expect(csv.split("\n")).toContain("2026-02,1000.00,300.00,30.0,300.00,30.0");
    expect(csv.split("\n")).toContain("2026-Q1,2000.00,1200.00,60.0,1200.00,60.0");
  });
});

describe("the same spend uploaded twice", () => {
  function upload(csv: string, name: string) {
    const form = new FormData();
    form.set("intent", "upload");
    form.set("spendFile", new File([csv], name, { type: "text/csv" }));
    return send("secretary", fill("/procurement/:anchorId"), { method: "POST", body: form });
  }
  const total = async () =>
    (
      await db
        .selectFrom("spend_uploads")
        .select(["total"])
        .where("organisation_id", "=", org.id)
        .where("withdrawn_at", "is", null)
        .execute()
    ).reduce((t, r) => t + BigInt(r.total), 0n);

  it("refuses it, saying which earlier upload it repeats, and counts the spend once", async () => {
    const csv = "supplier,postcode,amount,period,category\nTwice Bakery,PR1 3AA,123.45,2026-03,Food\nTwice Print,LS2 7AA,10.00,2026-03,Paper\n";
    expect(await (await upload(csv, "march.csv")).text()).toContain("Saved 2 spend lines");
    const before = await total();
    // The same lines again, in another order and under another name.
    const again = "supplier,postcode,amount,period,category\nTwice Print,LS2 7AA,10.00,2026-03,Paper\nTwice Bakery,PR1 3AA,123.45,2026-03,Food\n";
    const html = await (await upload(again, "march (1).csv")).text();
    expect(html).toContain("The same spend lines were already uploaded for this institution (march.csv");
    expect(html).not.toContain("Saved 2 spend lines");
    expect(await total()).toBe(before);
    // Different spend is still welcome.
    expect(await (await upload(csv.replace("123.45", "123.46"), "april.csv")).text()).toContain("Saved 2 spend lines");
  });

  it("withdraws an upload only with the confirmation, so a stray click does not take its spend out of the figures", async () => {
    const csv = "supplier,postcode,amount,period,category\nOops Ltd,PR1 3AA,55.00,2026-05,Food\n";
    expect(await (await upload(csv, "may.csv")).text()).toContain("Saved 1 spend lines");
    const may = await db.selectFrom("spend_uploads").select("id").where("organisation_id", "=", org.id).where("filename", "=", "may.csv").executeTakeFirstOrThrow();
    const before = await total();
    const refused = await send("secretary", fill("/procurement/:anchorId"), { form: { intent: "withdraw", uploadId: may.id } });
    expect(await refused.text()).toContain(CONFIRMATION_MISSING);
    expect(await total()).toBe(before);
    const done = await send("secretary", fill("/procurement/:anchorId"), { form: { intent: "withdraw", uploadId: may.id, confirmed: "yes" } });
    expect(await done.text()).toContain("The upload was withdrawn");
    expect(await total()).toBe(before - 5500n);
  });
});

describe("member statements", () => {
  it("gives a member their own annual statement as PDF, and none to a login without a register entry", async () => {
    const res = await send("member", "/reports/statement?yearEnd=2025-12-31");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await send("owner", "/reports/statement")).status).toBe(404);
    expect((await send("anonymous", "/reports/statement")).status).toBe(302);
  });
});

describe("LM3 and downloads", () => {
  const lm3 = { name: "Year to March", periodFrom: "2025-04-01", periodTo: "2026-03-31", suppliers: "40000", staff: "20000", r3Source: "entered", respend: "24000" };

  it("refuses round 1 of zero beside the field", async () => {
    const res = await send("owner", "/lm3", { form: { ...lm3, intent: "save", income: "0" } });
    const html = await res.text();
    expect(html).toContain("LM3 needs income (R1) above zero");
    expect(await db.selectFrom("lm3_studies").select("id").where("organisation_id", "=", org.id).execute()).toHaveLength(0);
  });

  it("shows the method and saves the study", async () => {
    const res = await send("owner", "/lm3", { form: { ...lm3, intent: "save", income: "100,000.00" } });
    const html = await res.text();
    expect(html).toContain("LM3 = <!-- -->1.84");
    const page = await (await send("board", "/lm3")).text();
    expect(page).toContain("Year to March");
  });

  it("works out R3 from pasted survey answers, refusing a bad answer by its line", async () => {
    const survey = { ...lm3, intent: "calculate", income: "100000", r3Source: "survey", respend: "" };
    const bad = await (await send("secretary", "/lm3", { form: { ...survey, survey: "recipient,amount,local_percent\nsupplier,40000,40\nvolunteer,20000,40\n" } })).text();
    expect(bad).toContain("line 3: recipient must be supplier or staff");
    const good = await (await send("secretary", "/lm3", { form: { ...survey, survey: "recipient,amount,local_percent\nsupplier,40000,40\nstaff,20000,40\n" } })).text();
    expect(good).toContain("LM3 = <!-- -->1.84");
    expect(good).toContain("R3 = sum of (amount received × share spent locally) over 2 survey answers");
  });

  it("downloads dashboard CSV, annual return CSV and PDF", async () => {
    const capital = await send("board", "/impact/csv?figure=members&asAt=2026-10-31");
    expect(capital.headers.get("content-type")).toContain("text/csv");
    const lines = (await capital.text()).trim().split("\n");
    expect(lines[0]).toBe("month_end,members,local_members,joined,left");
    expect(lines).toHaveLength(25);
    expect((await send("board", "/impact/csv?figure=nonsense")).status).toBe(400);
    const annual = await (await send("auditor", "/reports/annual/csv?yearEnd=2025-12-31")).text();
    expect(annual).toContain("membersAtYearEnd,Members at the year end,1,2025-01-01,2025-12-31");
    const pdf = await send("auditor", "/reports/annual/pdf?yearEnd=2025-12-31");
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
  });
});
