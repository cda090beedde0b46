import type { Database } from "../../app/utils/db.server";

/** One line of the `npm run bench` table. */
export interface BenchRow {
  figure: string;
  target: string;
  measured: string;
  /** Against the target; null for a row with no target of its own (a reference figure beside another). */
  pass: boolean | null;
  /** Where it ran: the section's database unless the row says otherwise ("in memory" for work with no database). */
  database?: BenchDatabase;
  note?: string;
}

/** "PostgreSQL, coop_bench_scale": a row measured in the scale database (scripts/bench/scale-seed.ts) rather than the run's fresh one. */
export type BenchDatabase = "PostgreSQL" | "PGlite" | "in memory" | `PostgreSQL, ${string}`;

export interface BenchContext {
  /** A database for the bench alone (the real server when DATABASE_URL is set, else PGlite). */
  db: Database;
  /** True on the real Postgres server, where the bench's targets are meant to be met. */
  postgres: boolean;
  log(line: string): void;
}

export type BenchSection = (ctx: BenchContext) => Promise<BenchRow[]>;
