import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Retiring a loan product (issue #16 point 1).
 *
 * loan_products.retired_on is the business date from which the product is no
 * longer offered for new applications; null while it is offered. The product
 * stays on the applications and loans made with it, and can be brought back
 * (retired_on set to null again). A date rather than the old `active` flag,
 * which nothing ever set to false: the date says since when. Any product that
 * was somehow inactive is carried over as retired on the day it was made. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE loan_products ADD COLUMN retired_on date
;
UPDATE loan_products SET retired_on = created_at::date WHERE NOT active
;
ALTER TABLE loan_products DROP COLUMN active
`);
}

