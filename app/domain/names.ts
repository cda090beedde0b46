/**
 * Whether two people's names read the same, as a member types another's
 * name from a certificate: letter case, accents, punctuation and spacing
 * aside ("Siân O'Neil" is "sian o neil").
 */
export function sameName(a: string, b: string): boolean {
  const plain = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return plain(a) !== "" && plain(a) === plain(b);
}
