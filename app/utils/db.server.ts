import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
import type { DB } from "../../db/schema";
import { env } from "./env.server";
import { isConnectionError, markDatabaseUnavailable } from "./db-health.server";

export type Database = Kysely<DB>;
/** Model functions take either the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

const INT8_OID = 20;
const DATE_OID = 1082;

/*
 * Normalise types once, here, so domain code always gets the same shapes
 * from either driver: int8 -> bigint (money is int8 minor units), date ->
 * "YYYY-MM-DD" string (a date has no time zone; a JS Date would invent one).
 */
pg.types.setTypeParser(INT8_OID, (v: string) => BigInt(v));
pg.types.setTypeParser(DATE_OID, (v: string) => v);

/*
 * Statements a connection runs again and again (the session look-up, casting
 * a vote) are kept prepared on the server, so PostgreSQL parses and plans
 * them once per connection instead of on every request: the same policy as
 * pgjdbc's prepareThreshold. A statement is prepared on its third run; long
 * statements (bulk inserts) and statements past the per-connection limit are
 * never prepared, so one-off SQL cannot fill the server's memory.
 */
const PREPARE_ON_RUN = 3;
const MAX_PREPARED_PER_CONNECTION = 256;
const MAX_PREPARED_LENGTH = 8192;
const MAX_TRACKED = 2048;

class PreparingClient extends pg.Client {
  #runs = new Map<string, number>();
  #names = new Map<string, string>();

  #nameFor(text: string): string | undefined {
    const name = this.#names.get(text);
    if (name || text.length > MAX_PREPARED_LENGTH || this.#names.size >= MAX_PREPARED_PER_CONNECTION) return name;
    const runs = (this.#runs.get(text) ?? 0) + 1;
    if (runs < PREPARE_ON_RUN) {
      if (this.#runs.size >= MAX_TRACKED) this.#runs.clear();
      this.#runs.set(text, runs);
      return undefined;
    }
    this.#runs.delete(text);
    const prepared = `coop_${this.#names.size}`;
    this.#names.set(text, prepared);
    return prepared;
  }

  // Kysely calls query(text, values) and awaits the promise; every other form passes through untouched.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    const name = args.length <= 2 && typeof text === "string" ? this.#nameFor(text) : undefined;
    const call = super.query as (...a: unknown[]) => never;
    return name ? call.call(this, { name, text, values }) : call.apply(this, args);
  }
}

/**
 * Settings every connection starts with. jit off: the app's statements are
 * lookups and aggregates that take milliseconds, but on a large register the
 * planner's estimates (rows out of jsonb, a ledger's whole size) pass
 * jit_above_cost and PostgreSQL spends 0.5-0.7 s compiling a query that then
 * runs in 5 ms (the treasury match page at 1,000,000 members, issue #16).
 */
export const CONNECTION_OPTIONS = "-c jit=off";

export function createPgDatabase(connectionString: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000, Client: PreparingClient, options: CONNECTION_OPTIONS });
  // A lost server shows up as a failed connect or an error on an idle client.
  pool.on("error", (error) => {
    if (isConnectionError(error)) markDatabaseUnavailable();
  });
  const connect = pool.connect.bind(pool);
  pool.connect = (async () => {
    try {
      return await connect();
    } catch (error) {
      if (isConnectionError(error)) markDatabaseUnavailable();
      throw error;
    }
  }) as typeof pool.connect;
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The PGlite instance under each embedded-database handle (backups dump
 * through it: nothing else may open a data directory the app holds). On
 * globalThis, like the handle itself, for the server and Remix bundles' copies.
 */
const pgliteClients: WeakMap<Database, import("@electric-sql/pglite").PGlite> = ((globalThis as { __coopPglite?: WeakMap<Database, import("@electric-sql/pglite").PGlite> }).__coopPglite ??= new WeakMap());

/** The embedded database's PGlite instance, or undefined for a PostgreSQL server. */
export function pgliteClientOf(db: Database) {
  return pgliteClients.get(db);
}

export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  const [{ PGlite, types }, { PGliteDialect }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("kysely-pglite-dialect"),
  ]);
  const client = new PGlite({
    dataDir,
    parsers: {
      [types.INT8]: (v: string) => BigInt(v),
      [types.DATE]: (v: string) => v,
    },
  });
  await client.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  pgliteClients.set(db, client);
  return db;
}

declare global {
  // One database handle per process, shared by the server script and the
  // Remix bundle (each has its own copy of this module): two PGlite
  // instances on one data directory would corrupt it.
  var __coopDb: Promise<Database> | undefined;
}

export function getDb(): Promise<Database> {
  globalThis.__coopDb ??= (async () => {
    const { DATABASE_URL, PGLITE_DIR } = env();
    return DATABASE_URL ? createPgDatabase(DATABASE_URL) : createPgliteDatabase(PGLITE_DIR);
  })();
  return globalThis.__coopDb;
}

/** Used by tests and scripts that build their own handle. */
export function setDb(db: Database | undefined) {
  globalThis.__coopDb = db ? Promise.resolve(db) : undefined;
}
