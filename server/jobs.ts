/**
 * The app's background jobs and their schedule. The server's worker
 * (app/utils/jobs.server.ts) runs them; this module says what they are.
 */
import { dateInZone } from "~/domain/today";
import { CARD_REFUND_JOB, refundCardPayment, type CardPaymentKind } from "~/models/payments/card-refunds.server";
import { ageLoans } from "~/models/lending/loans.server";
import { sendVoteReminders } from "~/models/governance/vote-reminders.server";
import { env } from "~/utils/env.server";
import { postJournal } from "~/models/treasury/journal.server";
import { runStatementUpload, STATEMENT_IMPORT_JOB } from "~/models/treasury/statement-uploads.server";
import { MEMBERS_IMPORT_JOB, runMembersUpload } from "~/models/shares/member-import-uploads.server";
import { IMPACT_FIGURES_JOB, organisationsWithSlowImpactFigures, workOutImpactFigures, type ImpactFiguresPayload } from "~/models/impact/impact-figures.server";
import { pgliteClientOf, type Database } from "~/utils/db.server";
import { enqueueJob, registerJob } from "~/utils/jobs.server";
import { stripeClient } from "~/utils/stripe.server";
import { collectDirectDebits } from "~/models/payments/direct-debit.server";
import { goCardlessClient } from "~/utils/gocardless.server";

export const JOB_KINDS = { ageArrears: "loans.age-arrears", refundCardPayment: CARD_REFUND_JOB, postJournal: "books.post-journal", collectDirectDebits: "payments.collect-direct-debits", voteReminders: "governance.vote-reminders", importStatement: STATEMENT_IMPORT_JOB, importMembers: MEMBERS_IMPORT_JOB, impactFigures: IMPACT_FIGURES_JOB } as const;

registerJob(JOB_KINDS.ageArrears, async ({ db, job, progress }) => {
  const asAt = String(job.payload.asAt);
  await db.transaction().execute((trx) => ageLoans(trx, job.organisationId, asAt));
  await progress(100, `Arrears aged as at ${asAt}`);
});

registerJob(JOB_KINDS.postJournal, async ({ db, job, progress }) => {
  const { posted } = await postJournal(db, job.organisationId);
  await progress(100, `${posted} journal entr${posted === 1 ? "y" : "ies"} posted from the ledgers`);
});

registerJob(JOB_KINDS.collectDirectDebits, async ({ db, job, progress }) => {
  const gc = goCardlessClient();
  // Switched off: nothing to ask for; the collections wait (they are written from the schedule when it is on again).
  if (!gc) return progress(100, "Direct Debit is switched off (no GOCARDLESS_ACCESS_TOKEN)");
  const r = await collectDirectDebits(db, gc, job.organisationId, String(job.payload.today));
  await progress(100, `${r.scheduled} Direct Debit collection(s) scheduled, ${r.submitted} asked of GoCardless, ${r.refused} refused by it; ${r.mandatesEnded} mandate(s) of closed loans cancelled`);
});

registerJob(JOB_KINDS.voteReminders, async ({ db, job, progress }) => {
  // The link in the mail needs the site's address; without APP_URL it is the address the server listens on.
  const appUrl = env().APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const sent = await db.transaction().execute((trx) => sendVoteReminders(trx, job.organisationId, appUrl));
  await progress(100, `${sent} reminder${sent === 1 ? "" : "s"} to vote queued`);
});

registerJob(JOB_KINDS.importStatement, async ({ db, job, progress }) => {
  await progress(0, "Checking every line of the file");
  // The progress is written on its own connection while the import's transaction is open, so the progress page sees it rise.
  // Embedded PGlite has one connection, held by that transaction: a write beside it would wait for it (and nobody could read
  // it meanwhile), so there progress is told only before and after.
  const live = pgliteClientOf(db) === undefined;
  const outcome = await runStatementUpload(db, job.organisationId, String(job.payload.uploadId), live ? progress : undefined);
  const s = (n: number, word: string) => `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;
  await progress(100, outcome.ok ? `Imported: ${s(outcome.linesNew, "new line")}, ${outcome.linesExisting.toLocaleString("en-GB")} already imported.` : `Nothing was imported: ${s(outcome.total, "problem")} (the first on line ${outcome.errors[0]?.line ?? "?"}).`);
});

registerJob(JOB_KINDS.importMembers, async ({ db, job, progress }) => {
  await progress(0, "Checking every row of the file");
  // As for statements above: progress from its own connection while the import's transaction is open, except on PGlite (one connection).
  const live = pgliteClientOf(db) === undefined;
  const outcome = await runMembersUpload(db, job.organisationId, String(job.payload.uploadId), new Date(), live ? progress : undefined);
  const s = (n: number, word: string) => `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;
  await progress(100, outcome.ok ? `Imported ${s(outcome.members, "member")} with ${s(outcome.shares, "share")}.` : `Nothing was imported: ${s(outcome.total, "problem")} (the first on line ${outcome.errors[0]?.line ?? "?"}).`);
});

// A page served the community wealth figures' last working-out (they take seconds on a large register): work them out again.
registerJob(JOB_KINDS.impactFigures, async ({ db, job, progress }) => {
  await workOutImpactFigures(db, job.organisationId, job.payload);
  await progress(100, "Community wealth figures worked out");
});

registerJob(JOB_KINDS.refundCardPayment, async ({ db, job, progress }) => {
  const stripe = await stripeClient();
  // Retried with back-off: a refund waits (it is not lost) while card payments are switched off.
  if (!stripe) throw new Error("Card payments are switched off (no STRIPE_SECRET_KEY): the refund waits until they are on again");
  const kind = job.payload.kind as CardPaymentKind;
  const outcome = await refundCardPayment(db, stripe, job.organisationId, kind, String(job.payload.paymentId));
  await progress(100, outcome === "refunded" ? "Refunded through Stripe" : "Nothing to refund");
});

/**
 * Daily work for every organisation, enqueued idempotently (the unique
 * key holds the date), so any number of servers asking at any time make
 * exactly one job per organisation per day. Each organisation's day is the
 * date `now` falls on in its own time zone.
 */
export async function scheduleDailyJobs(db: Database, now: Date) {
  const organisations = await db.selectFrom("organisations").select(["id", "time_zone"]).execute();
  const slowFigures = new Set(await organisationsWithSlowImpactFigures(db));
  for (const org of organisations) {
    const today = dateInZone(now, org.time_zone);
    await enqueueJob(db, {
      organisationId: org.id,
      kind: JOB_KINDS.ageArrears,
      payload: { asAt: today },
      uniqueKey: `${JOB_KINDS.ageArrears}:${org.id}:${today}`,
    });
    // Hourly rather than daily, so a reminder goes out within the hour of the vote entering the window.
    const hour = now.toISOString().slice(0, 13);
    await enqueueJob(db, { organisationId: org.id, kind: JOB_KINDS.voteReminders, payload: {}, uniqueKey: `${JOB_KINDS.voteReminders}:${org.id}:${hour}` });
    await enqueueJob(db, { organisationId: org.id, kind: JOB_KINDS.postJournal, payload: {}, uniqueKey: `${JOB_KINDS.postJournal}:${org.id}:${today}` });
    // Where the community wealth figures take seconds (a large register; see rememberedOrLast): the day's worked out before anyone asks.
    if (slowFigures.has(org.id)) {
      const payloads: ImpactFiguresPayload[] = [{ figure: "impact-headlines", asAt: today }, { figure: "impact-dashboard", asAt: today, months: 24 }];
      for (const payload of payloads) {
        await enqueueJob(db, { organisationId: org.id, kind: JOB_KINDS.impactFigures, payload, uniqueKey: `${JOB_KINDS.impactFigures}:${org.id}:${payload.figure}:${today}:daily`, maxAttempts: 2 });
      }
    }
    // Direct Debit: collections for installments (and share months) falling due soon, asked of GoCardless once a day.
    await enqueueJob(db, { organisationId: org.id, kind: JOB_KINDS.collectDirectDebits, payload: { today }, uniqueKey: `${JOB_KINDS.collectDirectDebits}:${org.id}:${today}`, maxAttempts: 8 });
  }
}
