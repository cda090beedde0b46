import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { restoreIntoEmbedded } from "~/utils/backups.server";
import { createPgliteDatabase } from "~/utils/db.server";
import { startLoggedServer } from "../fixtures/logged-server";

/*
 * The real server process on its embedded database, asked for a backup with
 * SIGUSR2 while it serves: the backup is made by the app itself (nothing
 * else may open its data folder), the server answers throughout, and the
 * file restores into a new embedded database.
 */
describe("a backup of the running server's embedded database (SIGUSR2)", () => {
  it("is written into BACKUP_DIR while the server keeps answering, and restores", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "coop-backup-server-"));
    const backupDir = path.join(dir, "backups");
    const orgName = `Backed-up Co-op ${process.pid}`;
    const { child, exited, waitFor } = startLoggedServer("tests/fixtures/backup-server.ts", { PGLITE_DIR: path.join(dir, "data"), BACKUP_DIR: backupDir, ORG_NAME: orgName });
    try {
      const { port } = (await waitFor("listening")) as { port: number };
      const ready = () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status);
      child.kill("SIGUSR2");
      // Asked while the backup is under way, answered (after it, at worst).
      expect(await ready()).toBe(200);
      const logged = (await waitFor("backup")) as { file?: string; err?: unknown };
      expect(logged.err).toBeUndefined();
      expect(await ready()).toBe(200);

      const files = await readdir(backupDir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^coop-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sql$/);
      expect(logged.file).toBe(path.join(backupDir, files[0]));
      expect(await readFile(path.join(backupDir, files[0]), "utf8")).toContain(orgName);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);

      await restoreIntoEmbedded(path.join(dir, "restored"), path.join(backupDir, files[0]));
      const restored = await createPgliteDatabase(path.join(dir, "restored"));
      try {
        expect((await restored.selectFrom("organisations").select("name").execute()).map((o) => o.name)).toEqual([orgName]);
      } finally {
        await restored.destroy();
      }
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000); // a server start and a restore, each a few seconds alone, many more on a busy CI machine
});
