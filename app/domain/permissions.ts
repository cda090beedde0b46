/**
 * The one table that maps roles to permissions. A permission is
 * "entity:action"; routes ask for exactly one with requirePermission().
 */
export const ROLES = ["owner", "secretary", "loan_officer", "credit_committee", "board", "auditor", "member"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  secretary: "Secretary",
  loan_officer: "Loan officer",
  credit_committee: "Credit committee",
  board: "Board",
  auditor: "Auditor",
  member: "Member",
};

export const PERMISSIONS = {
  "dashboard:view": "See the dashboard",
  "self:read": "See my own membership, holdings and votes",
  "self:write": "Buy and withdraw my own shares, appoint a proxy",
  "register:read": "Read the register of members",
  "register:write": "Add and change members",
  "organisation:manage": "Change the organisation's settings",
  "users:manage": "Invite people and change their roles",
  "audit:read": "Read the audit trail",
  "shares:read": "Read share classes, holdings and the share ledger",
  "shares:write": "Record share purchases, withdrawals and issues",
  "shares:govern": "Suspend withdrawals, approve transfers and interest runs",
  "loans:read": "Read borrowers, loans and the portfolio",
  "loans:write": "Take applications, record repayments",
  "loans:approve": "Vote on credit decisions",
  "loans:govern": "Approve write-offs",
  "meetings:manage": "Call meetings, open and close voting",
  "meetings:read": "See meetings, motions and results",
  "ballots:cast": "Vote",
  "impact:read": "See the community wealth dashboard",
  "treasury:read": "See the bank accounts and imported bank statements",
  "treasury:manage": "Add bank accounts, import bank statements, set the details members pay to",
  "books:view": "See the books: trial balance, chart of accounts, locked periods",
  "books:export": "Map the chart of accounts and export the journal (which locks the period)",
} as const;
export type Permission = keyof typeof PERMISSIONS;

const READ_ALL: Permission[] = ["dashboard:view", "self:read", "meetings:read"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: [
    ...READ_ALL,
    "register:read", "register:write", "organisation:manage", "users:manage", "audit:read",
    "shares:read", "shares:write", "loans:read", "meetings:manage", "impact:read",
    "treasury:read", "treasury:manage", "books:view", "books:export",
  ],
  secretary: [
    ...READ_ALL,
    "register:read", "register:write", "organisation:manage", "users:manage",
    "shares:read", "shares:write", "meetings:manage", "impact:read",
    "treasury:read", "treasury:manage", "books:view", "books:export",
  ],
  loan_officer: [...READ_ALL, "loans:read", "loans:write", "impact:read", "treasury:read"],
  credit_committee: [...READ_ALL, "loans:read", "loans:approve"],
  board: [...READ_ALL, "register:read", "shares:read", "shares:govern", "loans:read", "loans:govern", "audit:read", "impact:read", "treasury:read"],
  auditor: [...READ_ALL, "register:read", "shares:read", "loans:read", "audit:read", "impact:read", "treasury:read", "books:view"],
  member: [...READ_ALL, "self:write", "ballots:cast"],
};

export function permissionsFor(roles: readonly Role[]): Set<Permission> {
  const result = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) result.add(p);
  return result;
}

/** The roles that carry a permission, for a 403 page that says who may. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(permission));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
