import type { ColumnType } from "kysely";

/*
 * Column types shared by the table files in db/tables/ (each table file
 * imports these and nothing from db/schema.ts, which only gathers the tables
 * into one `DB`). int8 arrives as bigint and date as "YYYY-MM-DD" on both
 * drivers: see app/utils/db.server.ts.
 */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type DateOnly = ColumnType<string, string, string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** int8 read as bigint; a number is accepted on the way in. */
export type Int8 = ColumnType<bigint, bigint | number, bigint | number>;
/** jsonb written as JSON text and read back parsed. */
export type Json<T> = ColumnType<T, string | undefined, string>;
/** text[] with a default: may be left out on insert. */
export type TextArray = ColumnType<string[], string[] | undefined, string[]>;

/** Where a card payment's refund stands (both card payment tables; see app/models/payments/card-refunds.server.ts). */
export interface CardRefundColumns {
  stripe_payment_intent: string | null;
  refund_status: "needed" | "refunded" | null;
  stripe_refund_id: string | null;
  refunded_at: Timestamp | null;
}
