import type { SeedContext } from "./context";

/** Demo data for shares: called by scripts/seed.ts inside the seeding transaction. */
export async function seedShares(_ctx: SeedContext) {}
