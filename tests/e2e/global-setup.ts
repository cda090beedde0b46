/**
 * Seeds the demo data once, and each test file's server gets a copy of it
 * instead of seeding again (seeding is most of a server's start: over 40 s
 * on a busy machine against 7 s for a seeded one):
 * - production (E2E_TARGET=production): a fresh PostgreSQL database, copied
 *   with CREATE DATABASE ... TEMPLATE (see harness.ts), dropped when the run ends;
 * - development: an embedded database folder, copied file by file into each
 *   server's own folder, removed when the run ends. (Not when DATABASE_URL
 *   points the demo at a server: it then seeds there itself, once.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { PG_SERVER, TARGET } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    demoTemplate: string;
    demoTemplateDir: string;
  }
}

export default async function setup(project: TestProject) {
  if (TARGET !== "production") return seedEmbeddedTemplate(project);
  const { createFreshDatabase } = await import("../../db/fresh-database");
  const { seed } = await import("../../scripts/seed");
  const fresh = await createFreshDatabase(PG_SERVER, "coop_e2e_demo", 2);
  try {
    await seed(fresh.db, () => {});
    // A template database is copied only while nobody is connected to it.
    await fresh.db.destroy();
  } catch (error) {
    await fresh.drop();
    throw error;
  }
  project.provide("demoTemplate", fresh.name);
  return async () => {
    await fresh.drop();
  };
}

async function seedEmbeddedTemplate(project: TestProject) {
  if (process.env.DATABASE_URL || process.env.E2E_APP_URL) return;
  const { createPgliteDatabase } = await import("../../app/utils/db.server");
  const { migrateToLatest } = await import("../../db/migrate");
  const { seed } = await import("../../scripts/seed");
  const dir = mkdtempSync(path.join(tmpdir(), "coop-e2e-template-"));
  try {
    const db = await createPgliteDatabase(dir);
    await migrateToLatest(db);
    await seed(db, () => {});
    await db.destroy();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide("demoTemplateDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
