import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, createPgliteDatabase, getDb, setDb, type Database } from "~/utils/db.server";
import { readiness } from "~/utils/health.server";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { appTestBed } from "../http";

const t = appTestBed();
// Made before any request (a new PGlite takes seconds, longer than the server keeps an idle connection).
let stale: Database;
const last = Object.keys(migrations).at(-1)!;
beforeAll(async () => {
  stale = await createPgliteDatabase();
  await migrateToLatest(stale);
  // As if this build were newer than the database: its last migration was never applied.
  await sql`delete from kysely_migration where name = ${last}`.execute(stale);
});
afterAll(async () => stale?.destroy());

describe("/healthz and /readyz", () => {
  it("/healthz answers 200 while the process is up", async () => {
    const res = await fetch(t.server.base + "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("/readyz answers 200 when the database answers and every migration is applied", async () => {
    const res = await fetch(t.server.base + "/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, database: "ok", migrations: "current" });
  });

  describe("a database whose migrations are not current", () => {
    let ours: Database;
    beforeAll(async () => {
      ours = await getDb();
    });
    afterAll(() => setDb(ours));

    it("is not ready, and /readyz says which migration is pending (503)", async () => {
      expect(await readiness(stale)).toEqual({ ready: false, database: "ok", migrations: "pending", pending: [last] });
      setDb(stale);
      try {
        const res = await fetch(t.server.base + "/readyz");
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ ready: false, migrations: "pending", pending: [last] });
        // Liveness does not depend on the database.
        expect((await fetch(t.server.base + "/healthz")).status).toBe(200);
      } finally {
        setDb(ours);
      }
    });

    it("a database never migrated has every migration pending", async () => {
      await sql`drop table kysely_migration`.execute(stale);
      const state = await readiness(stale);
      expect(state).toMatchObject({ ready: false, database: "ok", migrations: "pending" });
      expect(state.pending).toEqual(Object.keys(migrations));
    });
  });

  it("an unreachable database is not ready", async () => {
    const nowhere = createPgDatabase("postgres://postgres@127.0.0.1:1/none", 1);
    try {
      expect(await readiness(nowhere)).toEqual({ ready: false, database: "unreachable", migrations: "unknown" });
    } finally {
      await nowhere.destroy().catch(() => {});
    }
  });
});
