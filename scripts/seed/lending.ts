import type { SeedContext } from "./context";

/** Demo data for lending: called by scripts/seed.ts inside the seeding transaction. */
export async function seedLending(_ctx: SeedContext) {}
