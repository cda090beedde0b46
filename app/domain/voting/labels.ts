import { isElection } from "./kinds";

/** Words the co-op uses for governance things, shared by pages. */
export const MEETING_KIND_LABEL: Record<string, string> = { agm: "Annual general meeting", sgm: "Special general meeting", board: "Board meeting" };
export const FORMAT_LABEL: Record<string, string> = { electronic: "Online only", "in-person": "In person", hybrid: "Hybrid (in person and online)" };
export const MOTION_KIND_LABEL: Record<string, string> = {
  ordinary: "Ordinary resolution",
  special: "Special resolution",
  custom: "Resolution (own threshold)",
  stv: "Election (single transferable vote)",
  plurality: "Election (plurality)",
  approval: "Approval vote",
};
/** How an election was counted, as its certificate names it (the stored codes are "scottish", "meek", ...). */
export const COUNT_METHOD_LABEL: Record<string, string> = {
  scottish: "Scottish STV (SSI 2007/42)",
  meek: "Meek's method",
  plurality: "Most votes win (plurality)",
  approval: "Most approvals win",
};
export const STATUS_LABEL: Record<string, string> = { draft: "Not yet open", open: "Voting open", closed: "Closed" };
export const CHOICE_LABEL: Record<string, string> = { for: "For", against: "Against", abstain: "Abstain" };
/** A candidate as the ballot and the results name them: with their party or affiliation, when they have one. */
export const candidateLabel = (o: { label: string; affiliation?: string | null }) => (o.affiliation ? `${o.label} (${o.affiliation})` : o.label);
/** The same for a name as counted (results list names): looked up among the election's options. */
export function labelByName(options: readonly { label: string; affiliation?: string | null }[]) {
  const byName = new Map(options.map((o) => [o.label, candidateLabel(o)]));
  return (name: string) => byName.get(name) ?? name;
}
export const motionHref = (m: { id: string; kind: string }) => (isElection(m.kind) ? `/elections/${m.id}` : `/motions/${m.id}`);
