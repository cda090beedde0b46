/**
 * The outbox delivered by SMTP (nodemailer) to a local SMTP server
 * (smtp-server): sent once, a refused address retried with back-off and
 * given up after MAX_DELIVERY_ATTEMPTS, several senders sharing the outbox.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails, MAX_DELIVERY_ATTEMPTS, queueEmail, retryDelayMs } from "~/models/core/outbox.server";
import type { Database } from "~/utils/db.server";
import { smtpSender, startMailer } from "../../server/mailer";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
let smtp: SMTPServer;
let send: ReturnType<typeof smtpSender>;
const received: { to: string[]; raw: string }[] = [];
const MINUTE = 60_000;

beforeAll(async () => {
  db = await testDb();
  smtp = new SMTPServer({
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("bounce")) return callback(Object.assign(new Error("550 No such mailbox"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  send = smtpSender(`smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, "Co-op Register <no-reply@coop.example>");
});
afterAll(async () => new Promise<void>((resolve) => smtp?.close(() => resolve())));

/** Nothing else in the outbox is due: earlier tests' and other files' mail is set aside for these tests. */
async function onlyThese(organisationId: string) {
  await db.updateTable("email_outbox").set({ next_attempt_at: new Date("2999-01-01") }).where("sent_at", "is", null).where((eb) => eb.or([eb("organisation_id", "is", null), eb("organisation_id", "!=", organisationId)])).execute();
}

async function outbox(organisationId: string) {
  return db.selectFrom("email_outbox").select(["to_email", "sent_at", "attempts", "last_error", "next_attempt_at", "failed_at"]).where("organisation_id", "=", organisationId).orderBy("id").execute();
}

describe("delivering the outbox by SMTP", () => {
  it("sends each message once, and retries a refused address with back-off until it gives up", async () => {
    const org = await makeOrganisation(db);
    for (const to of ["ann@members.example", "bounce@members.example", "ben@members.example"]) {
      await queueEmail(db, { organisationId: org.id, to, subject: `Voting is open for ${to}`, body: "Sign in and cast your vote." });
    }
    await onlyThese(org.id);
    const now = new Date();
    expect(await deliverDueEmails(db, send, now)).toEqual({ sent: 2, failed: 1, claimed: 3 });

    const mine = received.filter((r) => r.raw.includes("members.example"));
    expect(mine.map((r) => r.to)).toEqual([["ann@members.example"], ["ben@members.example"]]);
    expect(mine[0].raw).toContain("Subject: Voting is open for ann@members.example");
    expect(mine[0].raw).toContain(`From: "Co-op Register" <no-reply@coop.example>`);
    expect(mine[0].raw).toContain("Sign in and cast your vote.");

    let rows = await outbox(org.id);
    expect(rows.map((r) => [r.to_email, !!r.sent_at, r.attempts])).toEqual([["ann@members.example", true, 1], ["bounce@members.example", false, 1], ["ben@members.example", true, 1]]);
    expect(rows[1].last_error).toContain("550");
    expect(rows[1].next_attempt_at.getTime()).toBe(now.getTime() + retryDelayMs(1));

    // Not due again until its wait is over; then tried again, and given up after the last try.
    expect((await deliverDueEmails(db, send, now)).claimed).toBe(0);
    let at = now.getTime();
    for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      at += retryDelayMs(attempt - 1);
      expect(await deliverDueEmails(db, send, new Date(at))).toEqual({ sent: 0, failed: 1, claimed: 1 });
    }
    rows = await outbox(org.id);
    expect(rows[1].attempts).toBe(MAX_DELIVERY_ATTEMPTS);
    expect(rows[1].failed_at).not.toBeNull();
    expect((await deliverDueEmails(db, send, new Date(at + 24 * 60 * MINUTE))).claimed).toBe(0);
    expect(received.filter((r) => r.raw.includes("members.example"))).toHaveLength(2);
  });

  it("delivers each message once when two senders work the outbox at the same time", async () => {
    const org = await makeOrganisation(db);
    for (let i = 0; i < 30; i++) await queueEmail(db, { organisationId: org.id, to: `member${i}@shared.example`, subject: `Result ${i}`, body: "The result is certified." });
    await onlyThese(org.id);
    const before = received.length;
    const rounds = await Promise.all([deliverDueEmails(db, send, new Date(), 20), deliverDueEmails(db, send, new Date(), 20)]);
    const again = await deliverDueEmails(db, send, new Date(), 20);
    expect(rounds[0].sent + rounds[1].sent + again.sent).toBe(30);
    const addresses = received.slice(before).flatMap((r) => r.to);
    expect(addresses).toHaveLength(30);
    expect(new Set(addresses).size).toBe(30);
    expect((await outbox(org.id)).every((r) => r.sent_at && r.attempts === 1)).toBe(true);
  });

  it("is worked by the server's mailer, round after round, until nothing is due", async () => {
    const org = await makeOrganisation(db);
    for (let i = 0; i < 45; i++) await queueEmail(db, { organisationId: org.id, to: `loop${i}@mailer.example`, subject: `Notice ${i}`, body: "Notice of meeting." });
    await onlyThese(org.id);
    const to: string[] = [];
    const stop = startMailer(db, async (mail) => void to.push(mail.to_email), { everyMs: 60_000 });
    try {
      // The first tick runs at once and takes rounds of 20 until the outbox is empty.
      for (let i = 0; i < 100 && to.length < 45; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop();
    }
    expect(to).toHaveLength(45);
    expect((await outbox(org.id)).every((r) => r.sent_at)).toBe(true);
  });
});
