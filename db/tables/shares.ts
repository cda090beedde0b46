/** Table types for the shares tables (see db/migrations/0002_shares.ts). */
export interface SharesTables {}
