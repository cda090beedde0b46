import { prng } from "../../db/factories";
import { castVote } from "../../app/models/governance/ballots.server";
import { closeMotion, createElection, createMeeting, createMotion, openMotion, recordHandCount } from "../../app/models/governance/meetings.server";
import { getOrganisation } from "../../app/models/core/organisations.server";
import { appointProxy } from "../../app/models/governance/proxies.server";
import type { SeedContext, SeedOrganisation } from "./context";

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Demo governance for each organisation: this year's AGM with
 *  1. a closed ordinary resolution with its certified result,
 *  2. an open special resolution the demo member can vote on (and a proxy
 *     they hold for another member),
 *  3. a closed board election by STV with ranked ballots and a count sheet;
 * and last year's AGM, closed.
 */
export async function seedGovernance(ctx: SeedContext) {
  for (const [org, voters] of [[ctx.bakery, 40], [ctx.bank, 80]] as const) await seedOrganisation(ctx, org, voters);
}

async function seedOrganisation(ctx: SeedContext, org: SeedOrganisation, voterCount: number) {
  const db = ctx.db;
  const secretary = org.users.secretary;
  const rules = (await getOrganisation(db, org.id)).rules;
  const rng = prng(org.slug.length * 7919);
  const noticeOn = addDays(ctx.today, -7);
  const agm = await createMeeting(db, secretary, org.id, {
    kind: "agm",
    title: "Annual General Meeting 2026",
    heldOn: addDays(ctx.today, rules.noticeDays + 3),
    startsAt: "18:30",
    place: "St John's Community Hall, Preston, and online",
    format: "hybrid",
    noticeGivenOn: noticeOn,
    recordDate: noticeOn,
    agenda: "1. Apologies\n2. Minutes of the last AGM\n3. Annual accounts\n4. Rule change: electronic meetings\n5. Election of directors\n6. Any other business",
    documents: "Annual report and accounts 2025-26 https://example.org/annual-report-2026.pdf\nProposed rule change https://example.org/rule-change.pdf",
  });
  const accounts = await createMotion(db, secretary, org.id, agm.id, { kind: "ordinary", title: "Receive and adopt the annual accounts for 2025-26", body: "That the accounts for the year ended 30 September 2026 be received and adopted.", thresholdComparison: "at-least" }, rules);
  const ruleChange = await createMotion(db, secretary, org.id, agm.id, { kind: "special", title: "Allow general meetings to be held electronically", body: "That rule 24 be amended to allow general meetings to be held by electronic means, with members able to take part and vote online.", thresholdComparison: "at-least" }, rules);
  const election = await createElection(db, secretary, org.id, agm.id, {
    kind: "stv",
    title: "Election of three directors",
    body: "Three places on the board are open. Rank as many candidates as you like.",
    seats: 3,
    countMethod: "scottish",
    candidates: ["Amara Okafor", "Ben Whittle", "Catherine Rigby", "Dev Mistry", "Eilidh Fraser", "Frank Holden"],
    nominations: ["Proposed by the board", "Proposed by members 4 and 9", "Proposed by members 2 and 7", "Proposed by members 11 and 15", "Proposed by members 3 and 18", "Proposed by members 5 and 6"],
  });
  for (const m of [accounts, ruleChange, election]) await openMotion(db, secretary, org.id, m.id, new Date(`${noticeOn}T09:00:00Z`));

  const electorate = (await db.selectFrom("motion_electorate").select("member_id").where("motion_id", "=", accounts.id).execute()).map((r) => r.member_id);
  const others = electorate.filter((id) => id !== org.demoMemberId);
  const voters = others.slice(0, voterCount);
  for (const memberId of voters) {
    const r = rng.next();
    await castVote(db, { organisationId: org.id, motionId: accounts.id, memberId, choice: r < 0.8 ? "for" : r < 0.9 ? "against" : "abstain" });
    // Popular candidates first, with some variety; most voters rank three or four.
    const order = [0, 1, 2, 3, 4, 5].map((c) => ({ c, key: rng.next() * (1 + (c % 3)) + (c === 5 ? 0.5 : 0) })).sort((a, b) => a.key - b.key).map((x) => x.c + 1);
    await castVote(db, { organisationId: org.id, motionId: election.id, memberId, ranking: order.slice(0, rng.int(1, 5)) });
  }
  // Some have voted on the open special resolution already: turnout shows while it is open.
  for (const memberId of others.slice(0, Math.floor(voterCount / 3))) {
    await castVote(db, { organisationId: org.id, motionId: ruleChange.id, memberId, choice: rng.next() < 0.85 ? "for" : "against" });
  }
  await recordHandCount(db, secretary, org.id, accounts.id, { present: 6, votesFor: 5, votesAgainst: 0, votesAbstain: 1 });
  const closedAt = new Date(`${addDays(ctx.today, -1)}T19:45:00Z`);
  // The demo's AGM is still to come: these two ballots closed ahead of it, with the reason minuted.
  const early = "The online ballot ran its full notice period; the result is declared at the meeting.";
  await closeMotion(db, secretary, org.id, accounts.id, closedAt, early);
  await closeMotion(db, secretary, org.id, election.id, closedAt, early);
  // A member who has not voted on the rule change appoints the demo member as proxy, with no instruction.
  const appointer = others[others.length - 1];
  await appointProxy(db, secretary, org.id, { meetingId: agm.id, appointerMemberId: appointer, holderMemberId: org.demoMemberId, instructions: {} });

  const lastYear = await createMeeting(db, secretary, org.id, {
    kind: "agm", title: "Annual General Meeting 2025", heldOn: "2025-12-04", startsAt: "18:30", place: "St John's Community Hall, Preston", format: "in-person",
    noticeGivenOn: "2025-11-10", recordDate: "2025-11-10", agenda: "1. Annual accounts", documents: "",
  });
  const old = await createMotion(db, secretary, org.id, lastYear.id, { kind: "ordinary", title: "Receive and adopt the annual accounts for 2024-25", body: "", thresholdComparison: "at-least" }, rules);
  await openMotion(db, secretary, org.id, old.id, new Date("2025-12-04T18:30:00Z"));
  const room = Math.ceil(voterCount / 2);
  await recordHandCount(db, secretary, org.id, old.id, { present: room, votesFor: room - 2, votesAgainst: 1, votesAbstain: 1 });
  await closeMotion(db, secretary, org.id, old.id, new Date("2025-12-04T19:10:00Z"));
}
