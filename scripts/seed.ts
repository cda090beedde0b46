/**
 * Demo data: a worker co-operative bakery in Preston (40 members) and a
 * community bank (300 members), with one login per role. Idempotent: an
 * already-seeded database is left alone.
 */
import type { Database } from "../app/utils/db.server";
import type { Role } from "../app/domain/permissions";
import { makeRegister } from "../db/factories";
import { createOrganisation } from "../app/models/core/organisations.server";
import { createUserWithRoles } from "../app/models/core/users.server";
import { hashPassword } from "../app/utils/tokens.server";
import type { Executor } from "../app/utils/db.server";
import type { SeedContext, SeedOrganisation } from "./seed/context";
import { seedGovernance } from "./seed/governance";
import { seedImpact } from "./seed/impact";
import { seedLending } from "./seed/lending";
import { seedShares } from "./seed/shares";
import { seedTreasury } from "./seed/treasury";

/** The demo is set in late 2026; seeded histories end on this day. */
export const DEMO_TODAY = "2026-11-25";

export const DEMO_PASSWORD = "demo-password-2026";

/** The demo member's log-in and their row on each register carry the same name, as a real member's would. */
const DEMO_MEMBER_NAME = "Mo Member";

export const DEMO_LOGINS: { email: string; name: string; roles: Role[]; orgs: ("bakery" | "bank")[] }[] = [
  { email: "owner@demo.coop", name: "Olivia Owner", roles: ["owner"], orgs: ["bakery", "bank"] },
  { email: "secretary@demo.coop", name: "Sam Secretary", roles: ["secretary"], orgs: ["bakery", "bank"] },
  { email: "loans@demo.coop", name: "Lee Loan-Officer", roles: ["loan_officer"], orgs: ["bank"] },
  { email: "committee@demo.coop", name: "Chris Committee", roles: ["credit_committee"], orgs: ["bank"] },
  { email: "board@demo.coop", name: "Bola Board", roles: ["board"], orgs: ["bakery", "bank"] },
  { email: "auditor@demo.coop", name: "Ada Auditor", roles: ["auditor"], orgs: ["bakery", "bank"] },
  { email: "member@demo.coop", name: DEMO_MEMBER_NAME, roles: ["member"], orgs: ["bakery", "bank"] },
];

export async function seed(db: Database, log: (line: string) => void = console.log) {
  const existing = await db.selectFrom("organisations").select("id").where("slug", "=", "preston-bakery").executeTakeFirst();
  if (existing) {
    log("Demo data already present.");
    return false;
  }
  await db.transaction().execute(async (trx) => {
    const bakeryArea = ["PR1", "PR2", "PR3", "PR4", "PR5"];
    const bankArea = ["PR1", "PR2", "PR3", "PR4", "PR5", "PR25", "PR26"];
    const bakery = await createOrganisation(trx, { slug: "preston-bakery", name: "Preston Bakery Workers' Co-operative", legalForm: "worker-co-op", localArea: bakeryArea });
    const bank = await createOrganisation(trx, { slug: "lancs-community-bank", name: "Lancashire Community Bank", legalForm: "community-bank", localArea: bankArea, rules: { quorumMembers: 20 } });
    const bakeryMembers = await makeRegister(trx, bakery.id, { count: 40, seed: 2026, localDistricts: ["PR1", "PR2", "PR5"], otherDistricts: ["PR7", "BB2", "LA1"], localShare: 0.85, localArea: bakeryArea, from: "2019-03-01", to: "2026-10-31", firstAdmittedName: DEMO_MEMBER_NAME });
    const bankMembers = await makeRegister(trx, bank.id, { count: 300, seed: 300, localDistricts: ["PR1", "PR2", "PR3", "PR4", "PR5", "PR25", "PR26"], otherDistricts: ["PR7", "PR8", "BB1", "BB2", "LA1", "FY1", "M1"], localShare: 0.78, localArea: bankArea, from: "2015-06-01", to: "2026-10-31", firstAdmittedName: DEMO_MEMBER_NAME });
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const ids = { bakery: bakery.id, bank: bank.id };
    const users: Record<"bakery" | "bank", Record<string, string>> = { bakery: {}, bank: {} };
    // The demo member is also on each register, so their own membership shows on their dashboard.
    const memberRow = { bakery: bakeryMembers.find((m) => m.name === DEMO_MEMBER_NAME)!, bank: bankMembers.find((m) => m.name === DEMO_MEMBER_NAME)! };
    for (const login of DEMO_LOGINS) {
      for (const org of login.orgs) {
        users[org][login.roles[0]] = await createUserWithRoles(trx, {
          email: login.email,
          name: login.name,
          password: DEMO_PASSWORD,
          passwordHash,
          organisationId: ids[org],
          roles: login.roles,
          memberId: login.roles.includes("member") ? memberRow[org].id : null,
        });
      }
    }
    const context: SeedContext = {
      db: trx,
      today: DEMO_TODAY,
      bakery: await seedOrganisation(trx, bakery, bakeryArea, users.bakery, memberRow.bakery.id),
      bank: await seedOrganisation(trx, bank, bankArea, users.bank, memberRow.bank.id),
    };
    await seedShares(context);
    await seedGovernance(context);
    await seedLending(context);
    await seedImpact(context);
    await seedTreasury(context);
  });
  log("Seeded two organisations: Preston Bakery Workers' Co-operative (40 members) and Lancashire Community Bank (300 members).");
  return true;
}

export function printLogins(log: (line: string) => void = console.log) {
  log("");
  log(`Demo logins (password for all: ${DEMO_PASSWORD})`);
  for (const l of DEMO_LOGINS) log(`  ${l.email.padEnd(22)} ${l.roles.join(", ").padEnd(18)} ${l.orgs.map((o) => (o === "bakery" ? "Preston Bakery" : "Lancashire Community Bank")).join(" + ")}`);
  log("");
}

async function seedOrganisation(
  db: Executor,
  org: { id: string; slug: string; name: string },
  localArea: string[],
  users: Record<string, string>,
  demoMemberId: string,
): Promise<SeedOrganisation> {
  const members = await db
    .selectFrom("members")
    .select(["id", "member_number", "name", "status", "postcode", "is_local", "applied_on", "admitted_on", "ceased_on"])
    .where("organisation_id", "=", org.id)
    .orderBy("member_number")
    .execute();
  return { ...org, localArea, members, users, demoMemberId };
}
