import type { Permission } from "~/domain/permissions";

/** The main navigation: each person sees the entries their roles allow. */
export const NAV_ITEMS: { to: string; label: string; permission: Permission }[] = [
  { to: "/dashboard", label: "Dashboard", permission: "dashboard:view" },
  { to: "/my", label: "My membership", permission: "self:read" },
  { to: "/members", label: "Members", permission: "register:read" },
  { to: "/shares", label: "Share capital", permission: "shares:read" },
  { to: "/meetings", label: "Meetings & votes", permission: "meetings:read" },
  { to: "/loans", label: "Lending", permission: "loans:read" },
  { to: "/users", label: "People & roles", permission: "users:manage" },
  { to: "/audit", label: "Audit trail", permission: "audit:read" },
  { to: "/settings", label: "Settings", permission: "organisation:manage" },
];
