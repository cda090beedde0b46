/**
 * Lending to women-led and minority-ethnic-led businesses on the community
 * wealth dashboard, against a book worked out by hand (issue #16).
 *
 * The book (all principal still owed; no repayments):
 *   A  £10,000.00 women-led                       paid out 15 Jan 2026
 *   B   £6,000.00 women-led and minority-ethnic-led  paid out 10 Feb 2026
 *   C   £4,000.00 worker-owned                     paid out 10 Feb 2026
 *   D   £5,000.00 minority-ethnic-led              paid out  1 May 2026 (after 30 April)
 * At 30 April 2026 all lending is £20,000.00: women-led 2 loans £16,000.00 (80.0%),
 * minority-ethnic-led 1 loan £6,000.00 (30.0%). At 31 January: women-led 1 loan
 * £10,000.00 (100.0%), minority-ethnic-led none (0.0%).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { impactDashboard } from "~/models/impact/impact-figures.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";

let db: Database;
let orgId: string;
beforeAll(async () => {
  db = await testDb();
  const org = await makeOrganisation(db, { localArea: ["PR1-PR5"] });
  orgId = org.id;
  await makeLoan(db, orgId, { amount: 1_000_000n, disbursedOn: "2026-01-15", borrower: { legalName: "Ada's Bakery", ownership: ["women-led"] } });
  await makeLoan(db, orgId, { amount: 600_000n, disbursedOn: "2026-02-10", borrower: { legalName: "Sundar Foods", ownership: ["women-led", "minority-ethnic-led"] } });
  await makeLoan(db, orgId, { amount: 400_000n, disbursedOn: "2026-02-10", borrower: { legalName: "Ribble Workers Co-op", ownership: ["worker-owned"] } });
  await makeLoan(db, orgId, { amount: 500_000n, disbursedOn: "2026-05-01", borrower: { legalName: "Okafor Print", ownership: ["minority-ethnic-led"] } });
});

describe("lending by leadership", () => {
  it("gives the number, value and share of all lending to each group as at a date", async () => {
    const d = await impactDashboard(db, orgId, "2026-04-30", "GBP");
    expect(d.headline.outstanding).toBe("£20,000.00");
    expect(d.byLeadership.map((l) => [l.label, l.loans, l.amount, l.plain, l.percent])).toEqual([
      ["Women-led businesses", 2, "£16,000.00", "16000.00", "80.0"],
      ["Minority-ethnic-led businesses", 1, "£6,000.00", "6000.00", "30.0"],
    ]);
  });

  it("counts only loans paid out by the date", async () => {
    const d = await impactDashboard(db, orgId, "2026-01-31", "GBP");
    expect(d.byLeadership.map((l) => [l.group, l.loans, l.plain, l.percent])).toEqual([
      ["women-led", 1, "10000.00", "100.0"],
      ["minority-ethnic-led", 0, "0.00", "0.0"],
    ]);
  });
});
