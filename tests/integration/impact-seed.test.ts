/** The demo's community wealth data tells Preston's story, and seeds quickly. */
import { beforeAll, describe, expect, it } from "vitest";
import { listLm3Studies } from "~/models/impact/lm3.server";
import { getImpactSettings, listAnchors, procurementReport } from "~/models/impact/procurement.server";
import { publicOrganisation } from "~/models/impact/impact-figures.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import type { SeedOrganisation } from "../../scripts/seed/context";
import { seedImpact } from "../../scripts/seed/impact";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

async function seedOrg(localArea: string[]): Promise<SeedOrganisation> {
  const o = await makeOrganisation(db, { localArea });
  return { id: o.id, slug: o.slug, name: o.name, localArea, members: [], users: {}, demoMemberId: "" };
}

describe("seedImpact", () => {
  it("seeds two years of anchor spend with the local share rising from 5% to 18.2% (county 39% to 79.2%) and an LM3 history", async () => {
    const bakery = await seedOrg(["PR1", "PR2", "PR3", "PR4", "PR5"]);
    const bank = await seedOrg(["PR1", "PR2", "PR3", "PR4", "PR5", "PR25", "PR26"]);
    const started = Date.now();
    await db.transaction().execute((trx) => seedImpact({ db: trx, bakery, bank, today: "2026-11-25" }));
    expect(Date.now() - started).toBeLessThan(10_000);

    const [council] = await listAnchors(db, bank.id);
    expect(council.name).toBe("Preston City Council");
    const settings = await getImpactSettings(db, bank.id);
    const report = await procurementReport(db, bank.id, council.id, bank.localArea, settings.widerArea);
    expect(report.byPeriod).toHaveLength(8);
    expect(report.byPeriod[0]).toMatchObject({ period: "2024-Q4", localPercent: "5.0", widerPercent: "39.0" });
    expect(report.byPeriod[7]).toMatchObject({ period: "2026-Q3", localPercent: "18.2", widerPercent: "79.2" });
    const local = report.byPeriod.map((p) => Number(p.localPercent));
    expect(local).toEqual([...local].sort((a, b) => a - b));
    expect(report.opportunities[0].key).toBe("Construction");

    const studies = await listLm3Studies(db, bakery.id);
    expect(studies.map((s) => s.lm3)).toEqual(["1.84", "1.73", "1.64"]);
    const [bankLm3] = await listLm3Studies(db, bank.id);
    expect(bankLm3.r3_source).toBe("survey");
    expect(await publicOrganisation(db, bank.slug)).toBeDefined();
    expect(await publicOrganisation(db, bakery.slug)).toBeUndefined();
  });
});
