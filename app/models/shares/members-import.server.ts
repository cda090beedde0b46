import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { localAreaMatcher } from "~/domain/postcode";
import { checkMembersFile, type ImportError } from "~/domain/shares/import";
import { faultPoint } from "~/utils/fault-markers.server";
import { recordAudit } from "../core/audit.server";
import { organisationMoneyStyle } from "../core/organisations.server";
import { listShareClasses, toDomainClass } from "./share-classes-and-holdings.server";

/*
 * All-or-nothing import of members with opening holdings. The whole file is
 * checked first and every bad row reported; only a clean file is written,
 * in bulk (a hundred thousand members must load in seconds) and inside the
 * caller's transaction, so a failure part-way leaves nothing behind.
 */

const BATCH = 2000;

export type ImportOutcome = { ok: false; errors: ImportError[] } | { ok: true; members: number; shares: number };

export async function importMembers(
  db: Executor,
  actorUserId: string | null,
  org: { id: string; local_area: string[] },
  bytes: Uint8Array,
  today: string,
  /** Told as the members are written (done of total); a large file's import job shows it (member-import-uploads.server.ts). */
  onProgress?: (done: number, total: number) => Promise<void>,
): Promise<ImportOutcome> {
  const classes = await listShareClasses(db, org.id);
  const existing = await db.selectFrom("members").select("member_number").where("organisation_id", "=", org.id).execute();
  const money = await organisationMoneyStyle(db, org.id);
  const result = checkMembersFile(bytes, { shareClasses: classes.map(toDomainClass), existingMemberNumbers: existing.map((m) => String(m.member_number)), today, money });
  // The register numbers members with whole numbers, which the general checker does not require.
  const numberErrors: ImportError[] = result.rows
    .filter((r) => !/^\d{1,9}$/.test(r.memberNumber) || Number(r.memberNumber) < 1)
    .map((r) => ({ line: r.line, column: "member_number", reason: `member number must be a whole number from 1, not "${r.memberNumber}"` }));
  const errors = [...result.errors, ...numberErrors].sort((a, b) => a.line - b.line);
  if (errors.length) return { ok: false, errors };

  const isLocal = localAreaMatcher(org.local_area);
  await sql`select pg_advisory_xact_lock(hashtext(${"certificates:" + org.id}))`.execute(db);
  const certRow = await db.selectFrom("share_certificates").select(sql<number>`coalesce(max(number), 0)`.as("n")).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
  let certNo = Number(certRow.n);
  let shares = 0;
  await onProgress?.(0, result.rows.length);
  for (let i = 0; i < result.rows.length; i += BATCH) {
    const batch = result.rows.slice(i, i + BATCH);
    const inserted = await db
      .insertInto("members")
      .values(batch.map((r) => ({
        organisation_id: org.id, member_number: Number(r.memberNumber), kind: r.kind, name: r.name, email: r.email, phone: null, address: r.address,
        postcode: r.postcode, is_local: isLocal(r.postcode), status: "admitted" as const, applied_on: r.joinedOn, admitted_on: r.joinedOn,
      })))
      .returning(["id", "member_number"])
      .execute();
    const idOf = new Map(inserted.map((m) => [m.member_number, m.id]));
    await faultPoint("import.members-written", { rows: i + batch.length, last: batch.at(-1)!.memberNumber });
    await db.insertInto("member_status_history").values(batch.map((r) => ({ organisation_id: org.id, member_id: idOf.get(Number(r.memberNumber))!, status: "admitted" as const, effective_on: r.joinedOn, note: "Imported", recorded_by: actorUserId }))).execute();
    const holders = batch.filter((r) => r.shares > 0);
    if (holders.length) {
      await db.insertInto("share_transactions").values(holders.map((r) => ({
        organisation_id: org.id, member_id: idOf.get(Number(r.memberNumber))!, class_id: r.shareClassId, kind: "purchase" as const, shares: r.shares, amount: r.amount,
        effective_on: r.joinedOn, method: "import" as const, reference: `Imported, line ${r.line}`, reverses_id: null, recorded_by: actorUserId,
      }))).execute();
      await db.insertInto("share_certificates").values(holders.map((r) => ({ organisation_id: org.id, number: ++certNo, member_id: idOf.get(Number(r.memberNumber))!, class_id: r.shareClassId, shares: BigInt(r.shares), issued_on: r.joinedOn }))).execute();
      for (const r of holders) shares += r.shares;
    }
    await faultPoint("import.rows-written", { rows: i + batch.length, last: batch.at(-1)!.memberNumber });
    await onProgress?.(i + batch.length, result.rows.length);
  }
  await recordAudit(db, {
    organisationId: org.id, actorUserId, action: "members.imported", entityType: "import", entityId: createHash("sha256").update(bytes).digest("hex").slice(0, 16),
    after: { members: result.rows.length, shares, firstNumber: result.rows[0]?.memberNumber, lastNumber: result.rows.at(-1)?.memberNumber },
  });
  return { ok: true, members: result.rows.length, shares };
}
