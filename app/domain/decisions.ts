import type { Permission } from "~/domain/permissions";

/*
 * What waits for someone's decision: each kind says who decides it (the
 * permission the deciding page asks for), where it is decided, and under
 * which entry of the main navigation its count shows.
 */
export const DECISION_KINDS = {
  "member-admissions": { permission: "register:write", to: "/members?status=applied", nav: "/members", one: "applicant waiting to be admitted as a member", many: "applicants waiting to be admitted as members" },
  "share-applications": { permission: "shares:write", to: "/shares/applications", nav: "/shares", one: "share application to admit or decline", many: "share applications to admit or decline" },
  "withdrawals-due": { permission: "shares:write", to: "/shares/withdrawals", nav: "/shares", one: "withdrawal due to pay", many: "withdrawals due to pay" },
  transfers: { permission: "shares:govern", to: "/shares/transfers", nav: "/shares", one: "share transfer to approve or reject", many: "share transfers to approve or reject" },
  "interest-runs": { permission: "shares:govern", to: "/shares/interest", nav: "/shares", one: "interest run to approve", many: "interest runs to approve" },
  "applications-to-review": { permission: "loans:write", to: "/applications", nav: "/loans", one: "loan application to review", many: "loan applications to review" },
  "committee-votes": { permission: "loans:approve", to: "/applications", nav: "/loans", one: "loan application waiting for your vote", many: "loan applications waiting for your vote" },
  "write-offs": { permission: "loans:govern", to: "/loans", nav: "/loans", one: "write-off proposal to decide", many: "write-off proposals to decide" },
} as const satisfies Record<string, { permission: Permission; to: string; nav: string; one: string; many: string }>;

export type DecisionKind = keyof typeof DECISION_KINDS;

export interface Decision {
  kind: DecisionKind;
  count: number;
  /** Where it is decided: the list, or the one item when there is only one. */
  to: string;
  text: string;
}

/** The kinds a person's permissions let them decide. */
export function decisionKindsFor(permissions: Set<Permission>): DecisionKind[] {
  return (Object.keys(DECISION_KINDS) as DecisionKind[]).filter((k) => permissions.has(DECISION_KINDS[k].permission));
}

/** Counts into the panel's lines: only what waits, each with its words ("1 share transfer…", "3 share transfers…"). */
export function decisionsWaiting(counts: Partial<Record<DecisionKind, { count: number; to?: string }>>): Decision[] {
  const out: Decision[] = [];
  for (const kind of Object.keys(DECISION_KINDS) as DecisionKind[]) {
    const c = counts[kind];
    if (!c || c.count <= 0) continue;
    const k = DECISION_KINDS[kind];
    out.push({ kind, count: c.count, to: c.to ?? k.to, text: `${c.count} ${c.count === 1 ? k.one : k.many}` });
  }
  return out;
}

/** Per navigation entry, how many decisions wait under it. */
export function navCounts(decisions: readonly Decision[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of decisions) out[DECISION_KINDS[d.kind].nav] = (out[DECISION_KINDS[d.kind].nav] ?? 0) + d.count;
  return out;
}
