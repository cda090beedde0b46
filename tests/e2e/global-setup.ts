/**
 * The production target (E2E_TARGET=production) only: seeds the demo data
 * once into a fresh PostgreSQL database, which each test file's server then
 * gets a copy of (CREATE DATABASE ... TEMPLATE, see harness.ts), instead of
 * seeding seven times; dropped when the run ends.
 */
import type { TestProject } from "vitest/node";
import { PG_SERVER, TARGET } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    demoTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (TARGET !== "production") return;
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
