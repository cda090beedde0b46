/*
 * The two families of motion: resolutions (for, against or abstain, decided
 * by a threshold) and elections (candidates ranked or ticked, counted by a
 * method). Everything that asks "is this an election?" asks `isElection`.
 */

export const ELECTION_KINDS = ["stv", "plurality", "approval"] as const;
export type ElectionKind = (typeof ELECTION_KINDS)[number];

export function isElection(kind: string): kind is ElectionKind {
  return (ELECTION_KINDS as readonly string[]).includes(kind);
}
