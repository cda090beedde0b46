/**
 * Sector and ownership labels for lending figures. Borrowers carry a UK SIC
 * 2007 code (five digits); funders and councils read sectors as the 21 SIC
 * sections (A-U), so the division (first two digits) is mapped to its section.
 */

const SECTIONS: { letter: string; name: string; from: number; to: number }[] = [
  { letter: "A", name: "Agriculture, forestry and fishing", from: 1, to: 3 },
  { letter: "B", name: "Mining and quarrying", from: 5, to: 9 },
  { letter: "C", name: "Manufacturing", from: 10, to: 33 },
  { letter: "D", name: "Energy supply", from: 35, to: 35 },
  { letter: "E", name: "Water, sewerage and waste", from: 36, to: 39 },
  { letter: "F", name: "Construction", from: 41, to: 43 },
  { letter: "G", name: "Wholesale and retail trade", from: 45, to: 47 },
  { letter: "H", name: "Transport and storage", from: 49, to: 53 },
  { letter: "I", name: "Accommodation and food services", from: 55, to: 56 },
  { letter: "J", name: "Information and communication", from: 58, to: 63 },
  { letter: "K", name: "Financial and insurance", from: 64, to: 66 },
  { letter: "L", name: "Real estate", from: 68, to: 68 },
  { letter: "M", name: "Professional, scientific and technical", from: 69, to: 75 },
  { letter: "N", name: "Administrative and support services", from: 77, to: 82 },
  { letter: "O", name: "Public administration", from: 84, to: 84 },
  { letter: "P", name: "Education", from: 85, to: 85 },
  { letter: "Q", name: "Health and social work", from: 86, to: 88 },
  { letter: "R", name: "Arts, entertainment and recreation", from: 90, to: 93 },
  { letter: "S", name: "Other services", from: 94, to: 96 },
  { letter: "T", name: "Households as employers", from: 97, to: 98 },
  { letter: "U", name: "Extraterritorial organisations", from: 99, to: 99 },
];

/** "10710" -> "C Manufacturing"; null for a code that is not a SIC 2007 code. */
export function sicSection(code: string | null | undefined): string | null {
  if (!code || !/^\d{5}$/.test(code.trim())) return null;
  const division = Number(code.trim().slice(0, 2));
  const s = SECTIONS.find((x) => division >= x.from && division <= x.to);
  return s ? `${s.letter} ${s.name}` : null;
}

export const OWNERSHIP_LABELS: Record<string, string> = {
  "worker-co-op": "Worker co-operative",
  "co-operative": "Co-operative",
  "social-enterprise": "Social enterprise",
  charity: "Charity",
  "sole-trader": "Sole trader",
  partnership: "Partnership",
  company: "Company",
  person: "Individual",
};

/** The borrower's legal form in words, as the ownership line of the lending figures. */
export function ownershipLabel(legalForm: string | null | undefined): string | null {
  if (!legalForm) return null;
  return OWNERSHIP_LABELS[legalForm] ?? legalForm;
}
