import type { Permission } from "~/domain/permissions";

/**
 * Every route module exports `access`, naming what its loader and action
 * require. The authorisation test walks every route with every role and
 * holds each route to its declaration, so a route that forgets its check
 * (or forgets to declare it) fails CI.
 *  - "public": anyone, signed in or not
 *  - "signed-in": any signed-in user (their own account, log out)
 */
export type AccessRule = Permission | "public" | "signed-in";
export interface RouteAccess {
  loader?: AccessRule;
  action?: AccessRule;
}
