/**
 * The server's connections keep the statements they run again and again
 * prepared (app/utils/db.server.ts): PostgreSQL plans them once per
 * connection. A statement is prepared on its third run, gives the same
 * rows as before, and long one-off statements are never prepared. Needs a
 * real server, so it runs in the PostgreSQL suite.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, type Database } from "~/utils/db.server";
import { makeMember, makeOrganisation } from "../../db/factories";
import { testDb, usingPostgres } from "../db";

describe.skipIf(!usingPostgres())("prepared statements", () => {
  let db: Database;
  let organisationId: string;
  const names: string[] = [];

  // One connection, so every statement and the look-up of prepared statements share it.
  const prepared = async () =>
    (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'coop\\_%'`.execute(db)).rows.map((r) => r.statement);
  const memberQuery = (name: string) =>
    db.selectFrom("members").select(["name", "member_number"]).where("organisation_id", "=", organisationId).where("name", "=", name);
  const memberNamed = (name: string) => memberQuery(name).execute();

  beforeAll(async () => {
    const shared = await testDb();
    const org = await makeOrganisation(shared);
    organisationId = org.id;
    for (const name of ["Ada Prepared", "Bea Prepared", "Cy Prepared"]) {
      await makeMember(shared, org.id, { name });
      names.push(name);
    }
    db = createPgDatabase(process.env.DATABASE_URL!, 1);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("starts every connection with JIT compilation off (CONNECTION_OPTIONS), whatever the server's default", async () => {
    const server = (await sql<{ setting: string }>`SELECT boot_val AS setting FROM pg_settings WHERE name = 'jit'`.execute(db)).rows[0].setting;
    expect(server).toBe("on"); // PostgreSQL's own default: the connection's off is ours
    expect((await sql<{ jit: string }>`SHOW jit`.execute(db)).rows[0].jit).toBe("off");
  });

  it("prepares a statement on its third run and answers each run with that run's parameters", async () => {
    const text = memberQuery("x").compile().sql;
    const answers = [];
    for (const [run, name] of [...names, ...names].entries()) {
      if (run === 2) expect(await prepared()).not.toContain(text);
      answers.push(await memberNamed(name));
    }
    expect(await prepared()).toContain(text);
    expect(answers.map((rows) => rows.map((r) => r.name))).toEqual([...names, ...names].map((n) => [n]));
    expect(answers.slice(3)).toEqual(answers.slice(0, 3));
  });

  it("never prepares a long statement, however often it runs", async () => {
    const padding = "x".repeat(9000);
    for (let i = 0; i < 5; i++) {
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int AS n, length(${padding}) AS padding_length`.execute(db);
      expect(rows[0].n).toBe(i);
    }
    const long = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE length(statement) > 8192`.execute(db);
    expect(long.rows[0].n).toBe(0);
    // A short statement padded with a long literal in the text itself is long too.
    const text = `SELECT 1 AS one /* ${padding} */`;
    for (let i = 0; i < 4; i++) await sql.raw(text).execute(db);
    expect(await prepared()).not.toContain(text);
  });

  it("keeps working inside transactions and after an error in one", async () => {
    for (let i = 0; i < 4; i++) {
      await expect(
        db.transaction().execute(async (trx) => {
          const rows = await trx.selectFrom("members").select("name").where("organisation_id", "=", organisationId).where("name", "=", names[0]).execute();
          expect(rows).toHaveLength(1);
          await sql`SELECT 1 / ${0}::int`.execute(trx);
        }),
      ).rejects.toThrow(/division by zero/);
    }
    expect(await memberNamed(names[1])).toEqual([{ name: names[1], member_number: expect.anything() }]);
  });
});
