import { sql, type RawBuilder } from "kysely";
import { decisionKindsFor, decisionsWaiting, type Decision, type DecisionKind } from "~/domain/decisions";
import type { Permission } from "~/domain/permissions";
import type { Executor } from "~/utils/db.server";

/**
 * What waits for this person's decision in the organisation, from the kinds
 * their permissions let them decide: one statement of counts (each an index
 * range), so the layout can ask on every page. A committee member is not
 * asked again about an application they have voted on, and a board member
 * is not asked to decide the write-off they proposed.
 */
export async function decisionsFor(
  db: Executor,
  who: { organisationId: string; userId: string; permissions: Set<Permission> },
  today: string,
): Promise<Decision[]> {
  const kinds = decisionKindsFor(who.permissions);
  if (kinds.length === 0) return [];
  const org = who.organisationId;
  const counts: Record<DecisionKind, RawBuilder<unknown>> = {
    // Applicants with a share application are counted there (admitting it admits them), not twice.
    "member-admissions": sql`(SELECT count(*) FROM members m WHERE m.organisation_id = ${org} AND m.status = 'applied'
       AND NOT EXISTS (SELECT 1 FROM share_applications a WHERE a.organisation_id = m.organisation_id AND a.member_id = m.id AND a.status = 'pending'))`,
    "share-applications": sql`(SELECT count(*) FROM share_applications WHERE organisation_id = ${org} AND status = 'pending')`,
    "withdrawals-due": sql`(SELECT count(*) FROM withdrawal_requests WHERE organisation_id = ${org} AND status = 'pending' AND due_on <= ${today}::date)`,
    transfers: sql`(SELECT count(*) FROM share_transfers WHERE organisation_id = ${org} AND status = 'pending')`,
    "interest-runs": sql`(SELECT count(*) FROM interest_runs WHERE organisation_id = ${org} AND status = 'preview')`,
    "applications-to-review": sql`(SELECT count(*) FROM loan_applications WHERE organisation_id = ${org} AND status IN ('submitted', 'under_review') AND (officer_user_id = ${who.userId} OR officer_user_id IS NULL))`,
    "committee-votes": sql`(SELECT count(*) FROM loan_applications a WHERE a.organisation_id = ${org} AND a.status = 'committee'
       AND NOT EXISTS (SELECT 1 FROM credit_votes v WHERE v.organisation_id = a.organisation_id AND v.application_id = a.id AND v.user_id = ${who.userId}))`,
    "write-offs": sql`(SELECT count(*) FROM loan_write_off_proposals WHERE organisation_id = ${org} AND decision IS NULL AND proposed_by <> ${who.userId})`,
  };
  const { rows } = await sql<Record<string, string | null>>`
    SELECT ${sql.join(kinds.map((k) => sql`${counts[k]}::int AS ${sql.ref(k)}`))}
    ${kinds.includes("write-offs") ? sql`, (SELECT loan_id::text FROM loan_write_off_proposals WHERE organisation_id = ${org} AND decision IS NULL AND proposed_by <> ${who.userId} ORDER BY proposed_at LIMIT 1) AS oldest_write_off` : sql``}
  `.execute(db);
  const row = rows[0] ?? {};
  return decisionsWaiting(
    Object.fromEntries(
      kinds.map((k) => [k, { count: Number(row[k] ?? 0), to: k === "write-offs" && row.oldest_write_off ? `/loans/${row.oldest_write_off}/write-off` : undefined }]),
    ),
  );
}
