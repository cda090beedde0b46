import type { Permission } from "~/domain/permissions";

/** The main navigation: each person sees the entries their roles allow. */
export interface NavItem {
  to: string;
  label: string;
  permission: Permission;
  /** Hidden from people who have this permission (they get a fuller page elsewhere). */
  unless?: Permission;
}

export const NAV_ITEMS: NavItem[] = [
  { to: "/dashboard", label: "Dashboard", permission: "dashboard:view" },
  { to: "/my", label: "My membership", permission: "self:read" },
  { to: "/members", label: "Members", permission: "register:read" },
  { to: "/shares", label: "Share capital", permission: "shares:read" },
  { to: "/meetings", label: "Meetings & votes", permission: "meetings:read" },
  { to: "/loans", label: "Lending", permission: "loans:read" },
  { to: "/treasury", label: "Bank", permission: "treasury:read" },
  { to: "/books", label: "Books", permission: "books:view" },
  { to: "/impact", label: "Community wealth", permission: "impact:read" },
  { to: "/impact/summary", label: "Our impact", permission: "self:read", unless: "impact:read" },
  { to: "/users", label: "People & roles", permission: "users:manage" },
  { to: "/audit", label: "Audit trail", permission: "audit:read" },
  { to: "/settings", label: "Settings", permission: "organisation:manage" },
];

/** The entries a person sees; `waiting` is how many decisions wait for them under each (see app/domain/decisions.ts). */
export function navFor(permissions: Set<Permission>, waiting: Record<string, number> = {}): { to: string; label: string; waiting: number }[] {
  return NAV_ITEMS.filter((i) => permissions.has(i.permission) && !(i.unless && permissions.has(i.unless))).map(({ to, label }) => ({ to, label, waiting: waiting[to] ?? 0 }));
}
