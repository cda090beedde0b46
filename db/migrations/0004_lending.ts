import type { Kysely } from "kysely";
import { runStatements } from "./util";

export async function up(db: Kysely<any>) {
  await runStatements(db, `
SELECT 1
`);
}
