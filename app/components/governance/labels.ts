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
export const STATUS_LABEL: Record<string, string> = { draft: "Not yet open", open: "Voting open", closed: "Closed" };
export const CHOICE_LABEL: Record<string, string> = { for: "For", against: "Against", abstain: "Abstain" };
export const isElectionKind = (kind: string) => kind === "stv" || kind === "plurality" || kind === "approval";
export const motionHref = (m: { id: string; kind: string }) => (isElectionKind(m.kind) ? `/elections/${m.id}` : `/motions/${m.id}`);
