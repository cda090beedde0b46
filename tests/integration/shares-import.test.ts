import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main as importCli } from "../../scripts/import-members";
import { makeMember } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

const HEADER = "member_number,kind,name,email,address,postcode,joined_on,share_class,shares";
const GOOD = [HEADER, "101,person,Ann Ashworth,ann@example.org,1 Fishergate,PR1 2AB,2024-03-01,Community Shares,100", '102,organisation,"Preston Food Hub CIC",,"Unit 3, Deepdale",PR1 6LU,2024-04-01,Community Shares,250'].join("\n");
const BAD = [
  HEADER,
  "201,person,,x@example.org,1 Street,PR1 2AB,2024-01-01,Community Shares,10", // missing name
  "202,person,Bob,,2 Street,NOT A POSTCODE,2024-01-01,Community Shares,10", // bad postcode
  "203,person,Cat,,3 Street,PR1 2AB,2024-01-01,Community Shares,10",
  "203,person,Dan,,4 Street,PR1 2AB,2024-01-01,Community Shares,10", // duplicate number
  "205,person,Eve,,5 Street,PR1 2AB,2024-01-01,Community Shares,200000", // above maximum
  "206,person,Fay,,6 Street,PR1 2AB,2024-01-01,Community Shares,ten", // non-numeric
  "207,person,Gus,,7 Street,PR1 2AB,2024-02-30,Community Shares,10", // bad date
].join("\n");

function file(text: string | Uint8Array) {
  const dir = mkdtempSync(path.join(tmpdir(), "import-"));
  const p = path.join(dir, "members.csv");
  writeFileSync(p, text);
  return p;
}

describe("member import", () => {
  it("commits nothing from a file with bad rows and reports every one with its line and reason", async () => {
    const { org } = await setupClass(t.db, { minHolding: "10" });
    const errors: string[] = [];
    const code = await importCli([file(BAD), "--org", org.slug], () => {}, (l) => errors.push(l));
    expect(code).toBe(1);
    const report = errors.join("\n");
    expect(report).toContain("line 2 (name): missing name");
    expect(report).toMatch(/line 3 \(postcode\): bad postcode/);
    expect(report).toContain("line 5 (member_number): duplicate member number 203 (also on line 4)");
    expect(report).toMatch(/line 6 \(shares\): a holding in Community Shares may not exceed £100,000\.00/);
    expect(report).toContain('line 7 (shares): shares must be a whole number, not "ten"');
    expect(report).toMatch(/line 8 \(joined_on\): bad date "2024-02-30"/);
    expect(await t.db.selectFrom("members").select("id").where("organisation_id", "=", org.id).execute()).toHaveLength(0);
    // Bad encoding (Latin-1 bytes) is reported too.
    const latin1 = new Uint8Array([...new TextEncoder().encode(`${HEADER}\n301,person,Jos`), 0xe9, ...new TextEncoder().encode(",,1 St,PR1 2AB,2024-01-01,Community Shares,10\n")]);
    const enc: string[] = [];
    expect(await importCli([file(latin1), "--org", org.slug], () => {}, (l) => enc.push(l))).toBe(1);
    expect(enc.join("\n")).toMatch(/line 2.*UTF-8/i);
  });

  it("imports a good file with holdings and certificates, refusing numbers already in use", async () => {
    const { org } = await setupClass(t.db, { minHolding: "10" });
    const out: string[] = [];
    expect(await importCli([file(GOOD), "--org", org.slug], (l) => out.push(l), () => {})).toBe(0);
    expect(out[0]).toMatch(/^Imported 2 members with 350 shares/);
    const rows = await t.db.selectFrom("members as m").innerJoin("share_holdings as h", "h.member_id", "m.id").select(["m.member_number", "m.status", "m.admitted_on", "h.shares"]).where("m.organisation_id", "=", org.id).orderBy("m.member_number").execute();
    expect(rows).toEqual([{ member_number: 101, status: "admitted", admitted_on: "2024-03-01", shares: 100n }, { member_number: 102, status: "admitted", admitted_on: "2024-04-01", shares: 250n }]);
    const certs = await t.db.selectFrom("share_certificates").select("number").where("organisation_id", "=", org.id).orderBy("number").execute();
    expect(certs.map((c) => c.number)).toEqual([1, 2]);
    const again: string[] = [];
    expect(await importCli([file(GOOD), "--org", org.slug], () => {}, (l) => again.push(l))).toBe(1);
    expect(again.join("\n")).toContain("member number 101 is already in use");
  });

  it("does the same from the upload page", async () => {
    const { org, user } = await setupClass(t.db, { minHolding: "10" });
    await makeMember(t.db, org.id, { memberNumber: 1 });
    const b = new Browser(t.server.base);
    await b.login(user.email, user.password);
    const upload = async (text: string) => {
      const form = new FormData();
      form.append("file", new File([text], "members.csv", { type: "text/csv" }));
      const res = await fetch(`${t.server.base}/import`, { method: "POST", headers: { Cookie: b.cookie, Origin: t.server.base }, body: form });
      return res.text();
    };
    const bad = await upload(BAD);
    expect(bad).toContain("Nothing was imported");
    expect(bad).toContain("missing name");
    expect(bad).toContain("duplicate member number 203 (also on line 4)");
    expect(await upload(GOOD)).toContain("Imported 2 members with 350 shares.");
    expect(await t.db.selectFrom("members").select("id").where("organisation_id", "=", org.id).execute()).toHaveLength(3);
  });
});
