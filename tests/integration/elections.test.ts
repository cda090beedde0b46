/**
 * STV elections through the database: published Scottish ward results
 * imported as BLT, opened, closed and certified must elect exactly the
 * published winners; the count sheet and BLT export round-trip.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { countElection, parseBlt } from "~/domain/voting/stv";
import { countSheetRows, exportBlt, importBlt } from "~/models/governance/elections.server";
import { closeMotion, createMeeting, getResult, openMotion } from "~/models/governance/meetings.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { SCOTLAND } from "../fixtures/vectors/paths";

const expected = JSON.parse(readFileSync(SCOTLAND + "expected.json", "utf8")) as { file: string; elected: string[] }[];

let db: Database;
let orgId: string;
let secretary: string;
let meetingId: string;

beforeAll(async () => {
  db = await testDb();
  orgId = (await makeOrganisation(db)).id;
  secretary = (await makeUser(db, { organisationId: orgId, roles: ["secretary"] })).id;
  meetingId = (await createMeeting(db, secretary, orgId, { kind: "agm", title: "Count", heldOn: "2030-06-30", startsAt: "", place: "", format: "in-person", noticeGivenOn: "2030-06-01", agenda: "", documents: "" })).id;
});

describe("STV elections in the database", () => {
  it("has every published ward to check", () => expect(expected.length).toBeGreaterThanOrEqual(21));
  for (const ward of expected) {
    it(`elects the published winners of ${ward.file}`, async () => {
      const text = readFileSync(SCOTLAND + ward.file, "utf8");
      const motion = await db.transaction().execute((trx) => importBlt(trx, secretary, orgId, meetingId, text, "scottish"));
      await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motion.id));
      await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motion.id, undefined, "Closed before the fixture meeting, in a test"));
      const result = await getResult(db, orgId, motion.id);
      const outcome = result!.outcome as { elected: string[]; stv: Parameters<typeof countSheetRows>[0] };
      expect(outcome.elected.map((n) => n.trim())).toEqual(ward.elected.map((n) => n.trim()));
      const sheet = countSheetRows(outcome.stv);
      expect(sheet.rows.length).toBe(outcome.stv.rounds.length);
      // The exported ballots count the same as the file.
      const again = parseBlt((await exportBlt(db, orgId, motion.id))!);
      const original = parseBlt(text);
      expect(again.ballots.reduce((s, b) => s + b.weight, 0)).toBe(original.ballots.filter((b) => b.prefs.length).reduce((s, b) => s + b.weight, 0));
    }, 60_000);
  }

  it("shows a Meek count's quota, total surplus and keep values stage by stage on the count sheet", async () => {
    const text = '3 2\n4 1 2 0\n2 3 0\n0\n"Castor"\n"Pollux"\n"Helen"\n"Pollux and Helen should tie"\n';
    const motion = await db.transaction().execute((trx) => importBlt(trx, secretary, orgId, meetingId, text, "meek"));
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motion.id));
    await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motion.id, undefined, "Closed before the fixture meeting, in a test"));
    const result = await getResult(db, orgId, motion.id);
    const stv = (result!.outcome as { stv: Parameters<typeof countSheetRows>[0] }).stv;
    const sheet = countSheetRows(stv);
    const col = (h: string) => sheet.header.indexOf(h);
    // droop's meek-prf reference count of this file (test/ref/dump/42-meek-prf-o6-fixed-p9-d9.txt):
    // stage 2 excludes Pollux on 1.999999996 with Castor's keep value 0.500000001, surplus 0.000000003.
    const exclusion = sheet.rows.find((row) => row[1] === "exclude")!;
    expect(exclusion[col("Pollux")]).toBe("1.999999996");
    expect(exclusion[col("Quota")]).toBe("2.000000001");
    expect(exclusion[col("Total surplus")]).toBe("0.000000003");
    expect(exclusion[col("Keep value: Castor")]).toBe("0.500000001");
    expect(sheet.numeric[col("Quota")]).toBe(true);
    expect(stv.elected).toEqual(["Castor", "Helen"]);
  }, 60_000);

  it("refuses a BLT file that repeats a candidate on a paper, naming the line", async () => {
    const err = await db
      .transaction()
      .execute((trx) => importBlt(trx, secretary, orgId, meetingId, '3 1\n1 1 2 0\n2 3 3 0\n0\n"A"\n"B"\n"C"\n"T"\n', "scottish"))
      .catch((e) => e);
    expect(err.line).toBe(3);
    expect(err.reason).toMatch(/more than once|twice|repeat/i);
  });

  it("imports a file written by another program (parties, no terminating 0s, comments), shows the parties and exports them back", async () => {
    const text = `# exported by OpaVote\n3 2\n/* three papers */\n4 1 2\n3 2 - 3\n2 3 1 0\n0\n"Jane DOE" "Green Party"\n"John ROE"\n"Ann POE" "Co-operative Party"\n"Board 2031"\n`;
    const motion = await db.transaction().execute((trx) => importBlt(trx, secretary, orgId, meetingId, text, "scottish"));
    const options = await db.selectFrom("motion_options").select(["label", "affiliation"]).where("motion_id", "=", motion.id).orderBy("position").execute();
    expect(options).toEqual([
      { label: "Jane DOE", affiliation: "Green Party" },
      { label: "John ROE", affiliation: "" },
      { label: "Ann POE", affiliation: "Co-operative Party" },
    ]);
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motion.id));
    await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motion.id, undefined, "Closed before the fixture meeting, in a test"));
    const exported = (await exportBlt(db, orgId, motion.id))!;
    expect(exported).toContain('"Jane DOE" "Green Party"');
    const again = parseBlt(exported);
    expect(again.affiliations).toEqual(["Green Party", null, "Co-operative Party"]);
    expect(countElection(again, "scottish").elected).toEqual(countElection(parseBlt(text), "scottish").elected);
  });

  it("refuses equal rankings the Scottish rules cannot count, naming the line, and imports nothing", async () => {
    const before = await db.selectFrom("motions").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow();
    const err = await db
      .transaction()
      .execute((trx) => importBlt(trx, secretary, orgId, meetingId, '3 1\n1 1 2 0\n2 2=3 0\n0\n"A"\n"B"\n"C"\n"T"\n', "scottish"))
      .catch((e) => e);
    expect(err.line).toBe(3);
    expect(err.reason).toContain("equal rankings (2=3) cannot be counted under Scottish STV");
    const after = await db.selectFrom("motions").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
