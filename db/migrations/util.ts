import { sql, type Kysely } from "kysely";

/**
 * Run a migration's SQL one statement at a time: PGlite's query() takes a
 * single statement, and one code path for both drivers is the point.
 * Statements are separated by a line holding only ";".
 */
export async function runStatements(db: Kysely<any>, text: string) {
  for (const statement of text.split(/^\s*;\s*$/m)) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }
}
