import type { SeedContext } from "./context";

/** Demo data for governance: called by scripts/seed.ts inside the seeding transaction. */
export async function seedGovernance(_ctx: SeedContext) {}
