/** Table types for the governance tables (see db/migrations/0003_governance.ts). */
export interface GovernanceTables {}
