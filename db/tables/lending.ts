/** Table types for the lending tables (see db/migrations/0004_lending.ts). */
export interface LendingTables {}
