import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";

/*
 * Migrations are listed here rather than read from the folder so that the
 * same list works under tsx, in the Remix server bundle and in tests.
 * Landed migrations are frozen: add a new file, never edit an old one.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
};
