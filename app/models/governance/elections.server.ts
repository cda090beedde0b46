import { isElection } from "~/domain/voting/kinds";
import { sql } from "kysely";
import { tallyApproval, tallyPlurality, type TallyOutcome } from "~/domain/voting/resolutions";
import { countElection, parseBlt, refuseEqualRankings, STV_RULE_NAMES, writeBlt, type BltElection, type StvResult } from "~/domain/voting/stv";
import type { Executor } from "~/utils/db.server";
import type { MotionKind } from "../../../db/tables/governance";
import { recordAudit } from "~/models/core/audit.server";
import { newReceiptCode, receiptHash } from "~/models/governance/ballots.server";
import { refused } from "~/domain/refusal";

/*
 * Elections (board seats by STV, plurality and approval for small choices).
 * They are motions with options; ballots hold a ranking of option numbers.
 * The count reads identical rankings grouped in SQL, so 100,000 papers
 * arrive as a few thousand weighted lines.
 */

export interface ElectionCount {
  method: "scottish" | "meek" | "plurality" | "approval";
  seats: number;
  elected: string[];
  /** STV: the full round-by-round result. */
  stv?: StvResult;
  /** Plurality/approval: the counts, winners and any tie left for the rules to settle. */
  tally?: TallyOutcome;
  ballots: number;
}

/** The ballots of an election as a BLT election (candidate numbers are option positions). */
export async function electionAsBlt(db: Executor, organisationId: string, motion: { id: string; title: string; seats: number }): Promise<BltElection> {
  const [options, groups] = await Promise.all([
    db.selectFrom("motion_options").select(["position", "label", "affiliation"]).where("organisation_id", "=", organisationId).where("motion_id", "=", motion.id).orderBy("position").execute(),
    sql<{ ranking: number[]; weight: string }>`
      SELECT ranking, sum(weight)::text AS weight FROM ballots
      WHERE motion_id = ${motion.id}::uuid AND organisation_id = ${organisationId}::uuid AND ranking IS NOT NULL
      GROUP BY ranking ORDER BY sum(weight) DESC, ranking
    `.execute(db),
  ]);
  return {
    title: motion.title,
    seats: motion.seats,
    candidates: options.map((o) => o.label),
    ...(options.some((o) => o.affiliation) ? { affiliations: options.map((o) => o.affiliation || null) } : {}),
    withdrawn: [],
    ballots: groups.rows.map((g) => ({ weight: Number(g.weight), prefs: g.ranking.map((p) => Number(p) - 1) })),
  };
}

export function countBltElection(e: BltElection, kind: MotionKind, countMethod: "scottish" | "meek"): ElectionCount {
  const total = e.ballots.reduce((s, b) => s + b.weight, 0);
  if (kind === "stv") {
    const stv = countElection(e, countMethod);
    return { method: countMethod, seats: e.seats, elected: stv.elected, stv, ballots: total };
  }
  if (kind === "plurality") {
    const tally = tallyPlurality({ options: e.candidates, winners: e.seats, ballots: e.ballots.filter((b) => b.prefs.length).map((b) => ({ choice: e.candidates[b.prefs[0]], weight: b.weight })) });
    return { method: "plurality", seats: e.seats, elected: tally.winners, tally, ballots: total };
  }
  const tally = tallyApproval({ options: e.candidates, winners: e.seats, ballots: e.ballots.map((b) => ({ approve: b.prefs.map((p) => e.candidates[p]), weight: b.weight })) });
  return { method: "approval", seats: e.seats, elected: tally.winners, tally, ballots: total };
}

export async function countMotionElection(
  db: Executor,
  organisationId: string,
  motion: { id: string; title: string; seats: number; kind: MotionKind; count_method: "scottish" | "meek" },
): Promise<ElectionCount> {
  const e = await electionAsBlt(db, organisationId, motion);
  if (e.ballots.length === 0) return { method: motion.kind === "stv" ? motion.count_method : (motion.kind as "plurality" | "approval"), seats: motion.seats, elected: [], ballots: 0 };
  return countBltElection(e, motion.kind, motion.count_method);
}

/** One row per stage: what happened, each candidate's votes, non-transferable, elected/excluded. */
/**
 * The count sheet as a table, one row per stage. Meek counts add, per stage,
 * the quota, the total surplus and each elected candidate's keep value.
 * `numeric` says which columns hold numbers (right-aligned on screen).
 */
export function countSheetRows(r: StvResult): { header: string[]; rows: string[][]; numeric: boolean[] } {
  const names = r.rounds.length ? Object.keys(r.rounds[0].tally) : [];
  const meek = r.method === "meek";
  const meekHeader = meek ? ["Quota", "Total surplus", ...names.map((n) => `Keep value: ${n}`)] : [];
  const header = ["Stage", "Action", "Candidate", ...names, "Non-transferable", ...meekHeader, "Elected", "Excluded", "Notes"];
  const rows = r.rounds.map((rd) => [
    String(rd.n),
    rd.action,
    rd.candidate ?? "",
    ...names.map((n) => rd.tally[n] ?? ""),
    rd.exhausted,
    ...(meek ? [rd.quota ?? "", rd.surplus ?? "", ...names.map((n) => rd.keepFactors?.[n] ?? "")] : []),
    rd.elected.join("; "),
    rd.excluded.join("; "),
    rd.notes.join(" "),
  ]);
  const numeric = header.map((_, j) => j >= 3 && j < header.length - 3);
  return { header, rows, numeric };
}

/** BLT export of a closed election's ballots (choices are never shown before close). */
export async function exportBlt(db: Executor, organisationId: string, motionId: string) {
  const motion = await db.selectFrom("motions").select(["id", "title", "seats", "kind", "status"]).where("organisation_id", "=", organisationId).where("id", "=", motionId).executeTakeFirst();
  if (!motion || !isElection(motion.kind)) return null;
  if (motion.status !== "closed") throw refused("The ballots can be exported once voting has closed.");
  // BLT cannot hold a double quote in a name; the export swaps it for a typographic one.
  const e = await electionAsBlt(db, organisationId, motion);
  const typographic = (s: string) => s.replace(/"/g, "\u201d");
  return writeBlt({ ...e, title: typographic(e.title), candidates: e.candidates.map(typographic), affiliations: e.affiliations?.map((a) => (a === null ? null : typographic(a))) });
}

/**
 * Import a BLT file as a new STV election of a meeting, its papers already
 * in the ballot box (a paper count, or one run elsewhere). Open and close
 * it to count; online votes cast meanwhile are counted with the papers.
 */
export async function importBlt(db: Executor, actorUserId: string, organisationId: string, meetingId: string, text: string, countMethod: "scottish" | "meek") {
  const e = parseBlt(text); // throws BltError with the line and the reason
  refuseEqualRankings(e, STV_RULE_NAMES[countMethod]);
  if (e.candidates.length > 200) throw refused("At most 200 candidates can be imported.");
  await db.selectFrom("meetings").select("id").where("id", "=", meetingId).where("organisation_id", "=", organisationId).forUpdate().executeTakeFirstOrThrow();
  const next = await db.selectFrom("motions").select(sql<number>`coalesce(max(position), 0)::int + 1`.as("n")).where("meeting_id", "=", meetingId).executeTakeFirstOrThrow();
  const motion = await db
    .insertInto("motions")
    .values({
      organisation_id: organisationId,
      meeting_id: meetingId,
      position: next.n,
      kind: "stv",
      title: e.title.slice(0, 200) || "Imported election",
      body: `Imported from a BLT file (${e.ballots.reduce((s, b) => s + b.weight, 0)} ballot papers).`,
      seats: e.seats,
      count_method: countMethod,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("motion_options")
    .values(e.candidates.map((label, i) => ({ organisation_id: organisationId, motion_id: motion.id, position: i + 1, label: label.trim() || `Candidate ${i + 1}`, affiliation: (e.affiliations?.[i] ?? "").trim().slice(0, 200) })))
    .execute();
  // Withdrawn candidates are dropped from each paper, as the count would skip them.
  const withdrawn = new Set(e.withdrawn);
  const rows = e.ballots
    .map((b) => b.prefs.filter((p) => !withdrawn.has(p)).map((p) => p + 1))
    .flatMap((ranking, i) => (ranking.length ? [{ ranking, weight: e.ballots[i].weight }] : []));
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto("ballots")
      .values(rows.slice(i, i + 2000).map((r) => ({ organisation_id: organisationId, motion_id: motion.id, choice: null, ranking: r.ranking, weight: r.weight, receipt_hash: receiptHash(newReceiptCode()) })))
      .execute();
  }
  await recordAudit(db, { organisationId, actorUserId, action: "election.imported", entityType: "motion", entityId: motion.id, after: { title: e.title, seats: e.seats, candidates: e.candidates.length, papers: rows.length } });
  return motion;
}
