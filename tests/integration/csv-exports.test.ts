/**
 * Issue #13 point 4: every CSV export, downloaded over HTTP, with hostile
 * text in every field a person can type (member, class, borrower, officer,
 * motion, candidate, anchor, supplier and category names): no cell may start
 * with what a spreadsheet runs as a formula unless neutralised (a leading
 * apostrophe), header rows included. A cell that is only a number ("-12.50")
 * is data and stays as it is.
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsvRecords } from "~/domain/csv";
import { parseSupplierSpendCsv } from "~/domain/impact/csv";
import { castVote } from "~/models/governance/ballots.server";
import { importBlt } from "~/models/governance/elections.server";
import { closeMotion, createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { createAnchor, recordSpendUpload } from "~/models/impact/procurement.server";
import { createShareClass, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { appTestBed, Browser } from "../http";

const HOSTILE = ["=cmd|' /C calc'!A0", "+1+cmd", "-1+cmd", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", " =1+1", "＝1+1", "+1", "-1"];
/** The ones a BLT file can carry as candidate names (no double quote, no line break). */
const HOSTILE_CANDIDATES = ["=cmd|' /C calc'!A0", "+1+cmd", "@SUM(A1)", "-1+cmd"];

/** What a spreadsheet may take for the start of a formula, written out here apart from the code under test. */
const TRIGGER = /^\s*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

const t = appTestBed();
const urls: string[] = [];
let owner: Browser;

beforeAll(async () => {
  const db = t.db;
  const org = await makeOrganisation(db);
  const ownerUser = await makeUser(db, { organisationId: org.id, roles: ["owner", "board"], name: HOSTILE[0] });
  const sec = await makeUser(db, { organisationId: org.id, roles: ["secretary"], name: HOSTILE[1] });
  const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"], name: HOSTILE[2] });

  // Register: hostile member names and a hostile share class name.
  const cls = await db.transaction().execute((trx) =>
    createShareClass(trx, sec.id, org.id, { ...ShareClassSchema.parse({ name: "Capital", parValue: "1.00", minHolding: "1", noticeDays: "0", interestRate: "0" }), name: HOSTILE[3] }),
  );
  const members = [];
  for (const [i, name] of HOSTILE.entries()) {
    const m = await makeMember(db, org.id, { name, email: `m${i}@example.test`, on: "2025-01-15" });
    members.push(m);
    const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: sec.id, memberId: m.id, classId: cls.id, shares: 10 + i, on: "2025-02-01", method: "cash" }));
    if (!r.ok) throw new Error(r.reason);
  }

  // Lending: a hostile borrower, officer and product.
  const { loan } = await makeLoan(db, org.id, { officerUserId: officer.id, borrower: { legalName: HOSTILE[4], contactName: HOSTILE[5] }, product: { name: HOSTILE[6] }, disbursedOn: "2026-01-15" });

  // Governance: a motion with a hostile title, decided; an STV election with hostile candidates and title.
  const rules = (await getOrganisation(db, org.id)).rules;
  const meeting = await createMeeting(db, sec.id, org.id, { kind: "agm", title: HOSTILE[7], heldOn: "2030-06-30", startsAt: "", place: HOSTILE[8], format: "in-person", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
  const motion = await createMotion(db, sec.id, org.id, meeting.id, { kind: "ordinary", title: HOSTILE[0], body: HOSTILE[1], thresholdComparison: "at-least" }, rules);
  await db.transaction().execute((trx) => openMotion(trx, sec.id, org.id, motion.id));
  for (const m of members.slice(0, 3)) await castVote(db, { organisationId: org.id, motionId: motion.id, memberId: m.id, choice: "for" });
  await db.transaction().execute((trx) => closeMotion(trx, sec.id, org.id, motion.id, undefined, "Closed before the fixture meeting, in a test"));
  const blt = ["4 1", "3 1 2 0", "2 2 3 0", "1 3 4 0", "1 4 1 0", "0", ...HOSTILE_CANDIDATES.map((c) => `"${c}"`), `"${HOSTILE[0]}"`].join("\n") + "\n";
  const election = await db.transaction().execute((trx) => importBlt(trx, sec.id, org.id, meeting.id, blt, "scottish"));
  await db.transaction().execute((trx) => openMotion(trx, sec.id, org.id, election.id));
  await db.transaction().execute((trx) => closeMotion(trx, sec.id, org.id, election.id, undefined, "Closed before the fixture meeting, in a test"));

  // Procurement: a hostile anchor, suppliers and categories.
  const anchor = await createAnchor(db, ownerUser.id, org.id, { name: HOSTILE[2], kind: "council" });
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const spend = ["supplier,postcode,amount,period,category", ...HOSTILE.map((h, i) => [q(h), i % 2 ? "M1 1AE" : "PR1 2AB", "100.00", "2026-Q1", q(h)].join(","))].join("\n");
  const checked = parseSupplierSpendCsv(spend);
  expect(checked.errors).toEqual([]);
  await recordSpendUpload(db, ownerUser.id, org.id, anchor.id, "spend.csv", checked.rows);

  urls.push(
    "/register/csv", "/register/csv?asAt=2025-12-31",
    ...["capital", "lending", "jobs", "members", "sector", "ownership", "leadership"].map((f) => `/impact/csv?figure=${f}`),
    "/loans/portfolio.csv", `/loans/${loan.id}/schedule.csv`,
    `/motions/${motion.id}/result.csv`, `/motions/${election.id}/result.csv`, `/elections/${election.id}/count-sheet.csv`,
    `/procurement/${anchor.id}/csv`, `/procurement/${anchor.id}/csv?figure=opportunities`,
    "/reports/annual/csv",
    "/audit.csv",
  );
  owner = new Browser(t.server.base);
  await owner.login(ownerUser.email, ownerUser.password);
}, 120_000);

describe("every CSV export neutralises hostile text, header rows included", () => {
  it("covers every CSV route the app has", () => {
    const csvRoutes = readdirSync("app/routes").filter((f) => /csv/.test(f)).sort();
    // The route file each download above is served by.
    expect(csvRoutes).toEqual([
      "audit[.]csv.tsx",
      "elections.$electionId.count-sheet[.]csv.tsx", "impact.csv.tsx", "loans.$loanId.schedule[.]csv.tsx", "loans.portfolio[.]csv.tsx",
      "motions.$motionId.result[.]csv.tsx", "procurement.$anchorId.csv.tsx", "register.csv.tsx", "reports.annual.csv.tsx",
    ]);
  });

  it("downloads each export: no cell starts a formula, and the hostile names arrive neutralised", async () => {
    const seen = new Set<string>();
    for (const url of urls) {
      const res = await owner.get(url);
      expect([url, res.status, res.headers.get("content-type")]).toEqual([url, 200, "text/csv; charset=utf-8"]);
      const text = await res.text();
      // Read as the file is written (CR inside quoted cells kept as LF by the reader; a bare CR would end a record).
      const read = readCsvRecords(text);
      if (!read.ok) throw new Error(`${url}: ${read.reason}`);
      expect(read.rows.length).toBeGreaterThan(0);
      for (const [r, row] of read.rows.entries()) {
        for (const cell of row) {
          const dangerous = TRIGGER.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);
          expect({ url, line: read.lineNumbers[r], cell, dangerous }).toEqual({ url, line: read.lineNumbers[r], cell, dangerous: false });
          for (const h of HOSTILE) if (cell.includes(h.replace(/\r/g, "\n")) && cell.startsWith("'")) seen.add(`${url.split("?")[0].replace(/[0-9a-f-]{36}/, ":id")} ${h}`);
        }
      }
    }
    // The data really reached the exports that carry names (so the check above is not vacuous).
    const reached = (path: string) => [...seen].filter((s) => s.startsWith(`${path} `)).length;
    expect(reached("/register/csv")).toBeGreaterThanOrEqual(8);
    expect(reached("/loans/portfolio.csv")).toBeGreaterThanOrEqual(2);
    expect(reached("/motions/:id/result.csv")).toBeGreaterThanOrEqual(1);
    expect(reached("/elections/:id/count-sheet.csv")).toBeGreaterThanOrEqual(3);
    expect(reached("/procurement/:id/csv")).toBeGreaterThanOrEqual(3);
  });
});
