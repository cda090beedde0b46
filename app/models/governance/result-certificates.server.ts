import { CHOICE_LABEL, COUNT_METHOD_LABEL, MOTION_KIND_LABEL } from "~/domain/voting/labels";
import type { Executor } from "~/utils/db.server";
import { getMotion, getResult, listOptions } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { displayLongDate } from "~/domain/locale";

/** The certified result as rows, shared by the CSV and the PDF so they always agree. */
export async function certifiedResultRows(db: Executor, organisationId: string, motionId: string) {
  const motion = await getMotion(db, organisationId, motionId);
  if (!motion || motion.status !== "closed") return null;
  const [result, org, options] = await Promise.all([getResult(db, organisationId, motionId), getOrganisation(db, organisationId), listOptions(db, organisationId, motionId)]);
  if (!result) return null;
  const o = result.outcome as Record<string, any>;
  const facts: [string, string][] = [
    ["Organisation", org.name],
    ["Meeting", `${motion.meeting_title} (${displayLongDate(motion.held_on, org.locale)})`],
    ["Motion", `${motion.position}. ${motion.title}`],
    ["Type of vote", MOTION_KIND_LABEL[motion.kind] ?? motion.kind],
    ["Eligible to vote", String(result.eligible)],
    ["Voted online", String(result.voted_online)],
    ["Voted by proxy", String(result.voted_by_proxy)],
    ["Present in person", String(result.present_in_person)],
    ["Voting closed", closedAt(result.certified_at, org.timeZone, org.locale)],
    ["Closed and certified by", result.certified_by_name ?? ""],
  ];
  let table: { header: string[]; rows: string[][] };
  let reasons: string[];
  if (o.stv || o.tally || Array.isArray(o.elected)) {
    const counts: { option: string; votes: number }[] = o.tally?.counts ?? [];
    table = o.tally
      ? { header: ["Option", "Votes", "Elected"], rows: counts.map((c) => [c.option, String(c.votes), o.elected.includes(c.option) ? "Yes" : ""]) }
      : { header: ["Candidate", "Elected", "Order of election"], rows: options.map((c) => [c.label, o.elected.includes(c.label) ? "Yes" : "", o.elected.includes(c.label) ? String(o.elected.indexOf(c.label) + 1) : ""]) };
    facts.push(["Counting rules", COUNT_METHOD_LABEL[o.method] ?? String(o.method)], ["Seats", String(o.seats)], ["Ballots", String(o.ballots)]);
    if (o.stv) facts.push(["Quota", String(o.stv.quota)]);
    reasons = [`Elected: ${(o.elected as string[]).join(", ") || "nobody"}.`];
    if (o.tally && !o.tally.decided) reasons.push(`Tied for the last ${o.tally.seatsInTie} place(s): ${o.tally.tied.join(", ")}; to be settled as the rules say.`);
  } else {
    const pct = (n: number) => (o.votesCast ? ((n * 100) / o.votesCast).toFixed(2) : "0.00");
    table = {
      header: ["Vote", "Online and proxy", "Show of hands", "Total", "% of votes cast"],
      rows: (["for", "against", "abstain"] as const).map((k) => [CHOICE_LABEL[k], String(o.online?.[k] ?? o[k]), String(o.hands?.[k] ?? 0), String(o[k]), k === "abstain" ? "" : pct(o[k])]),
    };
    facts.push(
      ["Quorum needed", String(o.quorumRequired)],
      ["Took part", String(o.present)],
      ["Quorum met", o.quorumMet ? "Yes" : "No"],
      ["Threshold met", o.thresholdMet ? "Yes" : "No"],
      ["Outcome", o.passed ? "CARRIED" : "NOT CARRIED"],
    );
    reasons = o.reasons ?? [];
  }
  return { motion, facts, table, reasons };
}

/** The moment voting closed, as people read it, in the organisation's time zone and locale: "20 November 2026 at 14:05 (Europe/London)" in en-GB. */
function closedAt(at: Date, timeZone: string, locale: string): string {
  const parts = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone }).format(at);
  return `${parts} (${timeZone})`;
}
