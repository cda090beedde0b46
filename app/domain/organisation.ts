/** Rules an organisation sets for itself; later features read them from here. */
export interface OrganisationRules {
  /** Clear days' notice of a general meeting. */
  noticeDays: number;
  quorumMembers: number;
  quorumPercent: number;
  specialResolutionPercent: number;
  withdrawalNoticeDays: number;
  maxProxiesPerHolder: number;
  /** Lending cap on the reducing balance, % a month (UK credit unions: 3). */
  rateCapMonthlyPercent: number;
}

export const DEFAULT_RULES: OrganisationRules = {
  noticeDays: 14,
  quorumMembers: 2,
  quorumPercent: 10,
  specialResolutionPercent: 75,
  withdrawalNoticeDays: 90,
  maxProxiesPerHolder: 5,
  rateCapMonthlyPercent: 3,
};

export function rulesWithDefaults(stored: unknown): OrganisationRules {
  const given = stored && typeof stored === "object" ? (stored as Partial<OrganisationRules>) : {};
  const merged = { ...DEFAULT_RULES };
  for (const key of Object.keys(DEFAULT_RULES) as (keyof OrganisationRules)[]) {
    const v = given[key];
    if (typeof v === "number" && Number.isFinite(v)) merged[key] = v;
  }
  return merged;
}
