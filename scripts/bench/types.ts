import type { Database } from "../../app/utils/db.server";

/** One line of the `npm run bench` table. */
export interface BenchRow {
  figure: string;
  target: string;
  measured: string;
  pass: boolean;
  note?: string;
}

export interface BenchContext {
  /** A database for the bench alone (the real server when DATABASE_URL is set, else PGlite). */
  db: Database;
  /** True on the real Postgres server, where the bench's targets are meant to be met. */
  postgres: boolean;
  log(line: string): void;
}

export type BenchSection = (ctx: BenchContext) => Promise<BenchRow[]>;
