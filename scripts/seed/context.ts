import type { Executor } from "../../app/utils/db.server";

export interface SeedOrganisation {
  id: string;
  slug: string;
  name: string;
  localArea: string[];
  /** The register as seeded: id, number, name, status, postcode, dates. */
  members: { id: string; member_number: number; name: string; status: string; postcode: string; is_local: boolean; applied_on: string; admitted_on: string | null; ceased_on: string | null }[];
  /** User ids of the demo logins in this organisation, by role. */
  users: Record<string, string>;
  /** The register entry of the demo "member" login. */
  demoMemberId: string;
}

export interface SeedContext {
  db: Executor;
  bakery: SeedOrganisation;
  bank: SeedOrganisation;
  /** The demo's "today": seeds date things relative to it. */
  today: string;
}
