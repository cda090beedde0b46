import { timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "./db.server";

/**
 * /metrics in Prometheus text format (prom-client), behind METRICS_TOKEN
 * (a Bearer token; without the setting the endpoint does not exist):
 * requests and their durations by route pattern and status, votes cast
 * (accepted ballots, by the ballot box or the pages), and, read from the
 * database at each scrape, the job queue's and the outbox's depth.
 */
export function createMetrics(db: () => Promise<Database>) {
  const registry = new Registry();
  const requests = new Counter({ name: "coop_http_requests_total", help: "HTTP requests by route pattern, method and status", labelNames: ["route", "method", "status"], registers: [registry] });
  const durations = new Histogram({
    name: "coop_http_request_duration_seconds",
    help: "HTTP request durations by route pattern",
    labelNames: ["route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const votes = new Counter({ name: "coop_votes_cast_total", help: "Ballots accepted (a redirect to the receipt)", registers: [registry] });
  new Gauge({
    name: "coop_job_queue_depth",
    help: "Jobs by status (queued, running)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const rows = await sql<{ status: string; n: string }>`select status, count(*)::text as n from jobs where status in ('queued', 'running') group by status`.execute(await db());
      this.reset();
      for (const s of ["queued", "running"]) this.set({ status: s }, Number(rows.rows.find((r) => r.status === s)?.n ?? 0));
    },
  });
  new Gauge({
    name: "coop_outbox_depth",
    help: "Emails waiting to be sent (not sent, not failed)",
    registers: [registry],
    async collect() {
      const r = await sql<{ n: string }>`select count(*)::text as n from email_outbox where sent_at is null and failed_at is null`.execute(await db());
      this.set(Number(r.rows[0].n));
    },
  });
  return {
    registry,
    observe(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: String(status) });
      durations.observe({ route }, seconds);
      if (status === 302 && method === "POST" && (route === "/motions/:motionId" || route === "/elections/:electionId")) votes.inc();
    },
  };
}

/** Whether an Authorization header carries the metrics token (compared in constant time). */
export function metricsAuthorised(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
