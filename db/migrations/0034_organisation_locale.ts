import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Each organisation writes money and dates in its own locale (issue #17
 * point 3): "£1,234.56" in en-GB, "1.234,56 €" in de-DE. The default is the
 * locale everything was written in before, so nothing shown changes until an
 * owner chooses another. The list offered is the app's (app/domain/locale.ts);
 * the column only refuses what is not shaped like a BCP 47 tag. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE organisations ADD COLUMN locale text NOT NULL DEFAULT 'en-GB' CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$')
`);
}
