import { createHash, randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { canonicalJson } from "~/models/core/audit.server";

/*
 * Idempotent money forms (docs/decisions/0009-idempotent-money-forms.md).
 *
 * Every page with a money form renders a fresh one-time key into it (a
 * hidden `submissionKey`). The action calls `once` INSIDE the transaction
 * that writes the money: `once` inserts the key first, then does the work
 * and stores its outcome in the same transaction. A second post with the
 * same key (a double click, a browser or proxy retry) finds the key taken
 * and gets the first outcome back instead of doing the work again. On
 * PostgreSQL a concurrent second insert of the same key waits for the first
 * transaction to end: committed, it conflicts and reads the stored outcome;
 * rolled back (a refusal thrown), the key is free and the post is done
 * afresh. A refusal returned as `{ ok: false, ... }` frees the key too, so a
 * corrected post from the same page is not answered with the old refusal.
 */

/** A key for one rendering of a money form. */
export function newSubmissionKey(): string {
  return randomUUID();
}

/** What an outcome may be: it is stored as JSON and handed back to later posts of the same form. */
export type Stored = string | number | boolean | null | readonly Stored[] | { readonly [key: string]: Stored | undefined };

/** The same key sent with another form, by another user or with other values: refused, nothing written. */
export const FORM_REUSED = "This form was already used; reload the page to get a fresh one.";

/** The signed-in user and organisation of the post (a route's permission context fits). */
export interface Submitter {
  organisation: { id: string };
  user: { id: string };
}

function fingerprint(form: string, asked: Record<string, unknown>): string {
  const { submissionKey: _key, ...values } = asked;
  return createHash("sha256").update(canonicalJson({ form, values })).digest("hex");
}

function isRefusal(outcome: Stored): boolean {
  return typeof outcome === "object" && outcome !== null && !Array.isArray(outcome) && (outcome as { ok?: unknown }).ok === false;
}

/**
 * Do `work` once per submission key. `form` names the form and what it acts
 * on (for example `loans/<id>/repayment`); `asked` is the parsed form with
 * its `submissionKey`. Returns the outcome of the first post with this key,
 * as stored (a JSON round trip, the same for the first post and every
 * repeat). A key already used for another form, by another user or with
 * other values is refused with a 409 response.
 */
export async function once<T extends Stored>(
  trx: Transaction<DB>,
  who: Submitter,
  form: string,
  asked: { submissionKey: string } & Record<string, unknown>,
  work: () => Promise<T>,
): Promise<T> {
  const organisationId = who.organisation.id;
  const key = asked.submissionKey;
  const print = fingerprint(form, asked);
  // Waits, on PostgreSQL, for a transaction that holds the same key to end.
  const claimed = await trx
    .insertInto("form_submissions")
    .values({ organisation_id: organisationId, key, user_id: who.user.id, form, fingerprint: print, outcome: null })
    .onConflict((oc) => oc.columns(["organisation_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (!claimed) {
    const first = await trx
      .selectFrom("form_submissions")
      .select(["user_id", "form", "fingerprint", "outcome"])
      .where("organisation_id", "=", organisationId)
      .where("key", "=", key)
      .executeTakeFirstOrThrow();
    if (first.user_id !== who.user.id || first.form !== form || first.fingerprint !== print) {
      throw new Response(FORM_REUSED, { status: 409, statusText: "Form already used" });
    }
    if (first.outcome === null) throw new Error(`form submission ${key} has no outcome`);
    return first.outcome as T;
  }
  const outcome = await work();
  const stored = canonicalJson(outcome);
  if (isRefusal(outcome)) {
    await trx.deleteFrom("form_submissions").where("organisation_id", "=", organisationId).where("key", "=", key).execute();
  } else {
    await trx
      .updateTable("form_submissions")
      .set({ outcome: stored })
      .where("organisation_id", "=", organisationId)
      .where("key", "=", key)
      .execute();
  }
  return JSON.parse(stored) as T;
}

/**
 * For the forms whose own row records the submission under the same key (a
 * card checkout's pending payment, whose key is also Stripe's idempotency
 * key): a transaction that takes this lock first waits for another holding
 * the same key, then sees the row it wrote and answers with it.
 */
export async function lockSubmissionKey(trx: Transaction<DB>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${"form:" + key}))`.execute(trx);
}
