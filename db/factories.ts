/**
 * Builders of realistic rows, shared by the demo seed and the tests so both
 * exercise the same shapes. Deterministic: the same seed gives the same data.
 */
import type { Executor } from "../app/utils/db.server";
import type { Role } from "../app/domain/permissions";
import { createOrganisation } from "../app/models/core/organisations.server";
import { createMember } from "../app/models/shares/members.server";
import { createUserWithRoles } from "../app/models/core/users.server";
import { hashPassword } from "../app/utils/tokens.server";
import type { LegalForm } from "./tables/core";
import type { MemberStatus } from "./tables/shares";

/** Small seeded PRNG (mulberry32): repeatable demo data without Math.random. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}
export type Rng = ReturnType<typeof prng>;

const FIRST = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farhan", "Grace", "Harry", "Imran", "Jess", "Kieran", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Qasim", "Rachel", "Sam", "Tariq", "Una", "Vikram", "Wendy", "Yusuf", "Zoe", "Alan", "Bernadette", "Colin", "Deborah", "Eamon", "Fatima", "Gareth", "Hannah", "Ian", "Joan", "Kath", "Liam", "Mary", "Nadia", "Owen", "Patricia", "Ravi", "Sandra", "Tom", "Valerie"];
const LAST = ["Ashworth", "Bamber", "Cookson", "Dewhurst", "Eccles", "Fazackerley", "Gornall", "Hesketh", "Iqbal", "Jackson", "Kay", "Livesey", "Mistry", "Nuttall", "Openshaw", "Patel", "Quayle", "Rawcliffe", "Singleton", "Thistlethwaite", "Underwood", "Varley", "Whittle", "Yates", "Ahmed", "Birtwistle", "Cross", "Duckworth", "Entwistle", "Fisher", "Greenhalgh", "Holden", "Ingham", "Kenyon", "Lund", "Marsden", "Noblett", "Parkinson", "Rigby", "Sharples", "Taylor", "Walmsley"];
const STREETS = ["Fishergate", "Friargate", "Church Street", "Lancaster Road", "Deepdale Road", "Garstang Road", "Ribbleton Lane", "Watling Street Road", "Plungington Road", "Blackpool Road", "Moor Lane", "Avenham Lane", "St George's Road", "Brackenbury Road", "Tulketh Brow"];
const ORG_MEMBERS = ["Preston Food Hub CIC", "Ribble Valley Housing Co-operative", "Deepdale Credit Circle", "Avenham Arts Society", "Lancashire Wholefoods Co-op"];
const INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

export function postcodeIn(rng: Rng, district: string) {
  return `${district} ${rng.int(1, 9)}${rng.pick([...INWARD_LETTERS])}${rng.pick([...INWARD_LETTERS])}`;
}

export function personName(rng: Rng) {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

let uniq = 0;
/** A unique slug/email suffix for tests, which share one database. */
export function unique(prefix: string) {
  uniq += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${uniq}`;
}

export async function makeOrganisation(
  db: Executor,
  input: Partial<{ slug: string; name: string; legalForm: LegalForm; localArea: string[] }> = {},
) {
  const slug = input.slug ?? unique("org");
  return createOrganisation(db, {
    slug,
    name: input.name ?? `Test Co-op ${slug}`,
    legalForm: input.legalForm ?? "co-operative-society",
    localArea: input.localArea ?? ["PR1", "PR2", "PR3", "PR4", "PR5"],
  });
}

/** Hashing is slow on purpose; tests and the seed reuse one hash per password. */
const hashes = new Map<string, Promise<string>>();
export function cachedHash(password: string) {
  let h = hashes.get(password);
  if (!h) hashes.set(password, (h = hashPassword(password)));
  return h;
}

export async function makeUser(
  db: Executor,
  input: { organisationId: string; roles: Role[]; email?: string; name?: string; password?: string; memberId?: string | null },
) {
  const password = input.password ?? "correct horse battery staple";
  const email = input.email ?? `${unique(input.roles.join("-") || "user")}@example.test`;
  const id = await createUserWithRoles(db, {
    email,
    name: input.name ?? "Test User",
    password,
    passwordHash: await cachedHash(password),
    organisationId: input.organisationId,
    roles: input.roles,
    memberId: input.memberId ?? null,
  });
  return { id, email, password };
}

export async function makeMember(
  db: Executor,
  organisationId: string,
  input: Partial<{ name: string; kind: "person" | "organisation"; postcode: string; status: MemberStatus; on: string; memberNumber: number; email: string; localArea: string[] }> = {},
) {
  return createMember(db, null, organisationId, input.localArea ?? ["PR1", "PR2", "PR3", "PR4", "PR5"], {
    kind: input.kind ?? "person",
    name: input.name ?? "Test Member",
    memberNumber: input.memberNumber,
    email: input.email,
    phone: null,
    address: "1 Fishergate, Preston",
    postcode: input.postcode ?? "PR1 2AB",
    status: input.status ?? "admitted",
    statusDate: input.on ?? "2025-01-15",
  });
}

/** A realistic register: mostly local people, a few organisations, some ceased and suspended. */
export async function makeRegister(
  db: Executor,
  organisationId: string,
  opts: {
    count: number; seed: number; localDistricts: string[]; otherDistricts: string[]; localShare: number; localArea: string[]; from: string; to: string;
    /** The name of the first admitted person on the register (the demo member's own row), instead of a drawn one. */
    firstAdmittedName?: string;
  },
) {
  const rng = prng(opts.seed);
  let named = !opts.firstAdmittedName;
  const start = Date.parse(opts.from);
  const span = Date.parse(opts.to) - start;
  const members = [];
  for (let i = 0; i < opts.count; i++) {
    const isOrg = rng.next() < 0.04;
    const local = rng.next() < opts.localShare;
    const district = rng.pick(local ? opts.localDistricts : opts.otherDistricts);
    const joined = new Date(start + Math.floor(rng.next() * span)).toISOString().slice(0, 10);
    let name = isOrg ? `${rng.pick(ORG_MEMBERS)}${i > 5 ? ` (${i})` : ""}` : personName(rng);
    const roll = rng.next();
    const status: MemberStatus = roll < 0.05 ? "applied" : roll < 0.08 ? "suspended" : roll < 0.13 ? "ceased" : "admitted";
    if (!named && !isOrg && status === "admitted") {
      name = opts.firstAdmittedName!;
      named = true;
    }
    const member = await createMember(db, null, organisationId, opts.localArea, {
      kind: isOrg ? "organisation" : "person",
      name,
      memberNumber: i + 1,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}.${i + 1}@example.org`,
      phone: null,
      address: `${rng.int(1, 240)} ${rng.pick(STREETS)}, Preston`,
      postcode: postcodeIn(rng, district),
      status: status === "applied" ? "applied" : "admitted",
      statusDate: joined,
    });
    if (status === "suspended" || status === "ceased") {
      const later = new Date(Math.min(Date.parse(joined) + rng.int(60, 600) * 86_400_000, Date.parse(opts.to))).toISOString().slice(0, 10);
      const { changeMemberStatus } = await import("../app/models/shares/members.server");
      await changeMemberStatus(db, null, organisationId, member.id, { status, effectiveOn: later, note: status === "ceased" ? "Resigned" : "Arrears of subscription" });
    }
    members.push(member);
  }
  return members;
}
