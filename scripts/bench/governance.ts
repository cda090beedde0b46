/**
 * Governance bench: votes cast through HTTP (the real server: session check,
 * permission, ballot + participation in one statement, batched by the
 * ballot box) at 8 concurrent clients; beside it the vote limit, the same
 * casting statement (imported from the app) sent over plain `pg` with the
 * ballot box's batch size and number in flight, and the same statement one
 * vote at a time; CPU per vote of the server and PostgreSQL; a tally of
 * 1,000,000 ballots in SQL; an STV count of 100,000 ranked ballots with 20
 * candidates.
 */
import autocannon from "autocannon";
import { cpus } from "node:os";
import { sql } from "kysely";
import pg from "pg";
import { countElection, randomElection } from "../../app/domain/voting/stv";
import { sessionBallotsStatement } from "../../app/models/governance/ballots.server";
import { countMotionElection } from "../../app/models/governance/elections.server";
import { createElection, createMeeting, createMotion, openMotion, tallyChoices } from "../../app/models/governance/meetings.server";
import { getOrganisation } from "../../app/models/core/organisations.server";
import { SESSION_BALLOT_BATCHES, SESSION_BALLOT_ROLES } from "../../app/web/ballot-forms.server";
import type { Database } from "../../app/utils/db.server";
import { generateToken, hashToken } from "../../app/utils/tokens.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { cpuPerVote, fmtMs, withServer, type CpuPerVote } from "./server";
import type { BenchContext, BenchRow, BenchSection } from "./types";

const CLIENTS = 8;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Members (admitted, with status history) and, for each, a member login with a live session. */
export async function makeVoters(db: Database, organisationId: string, count: number) {
  const members = await sql<{ id: string }>`
    INSERT INTO members (organisation_id, member_number, kind, name, status, applied_on, admitted_on)
    SELECT ${organisationId}::uuid, g, 'person', 'Bench voter ' || g, 'admitted', '2020-01-01', '2020-01-01'
    FROM generate_series(1, ${count}::int) g RETURNING id
  `.execute(db);
  const ids = members.rows.map((r) => r.id);
  await sql`
    INSERT INTO member_status_history (organisation_id, member_id, status, effective_on)
    SELECT ${organisationId}::uuid, id, 'admitted', '2020-01-01' FROM members WHERE organisation_id = ${organisationId}::uuid
  `.execute(db);
  const users = await sql<{ id: string }>`
    INSERT INTO users (email, name) SELECT 'bench-' || ${organisationId}::text || '-' || g || '@example.test', 'Bench voter ' || g
    FROM generate_series(1, ${count}::int) g RETURNING id
  `.execute(db);
  const tokens: string[] = [];
  // 30 days ahead, like a fresh log-in: no sliding-expiry write on each request.
  const expires = new Date(Date.now() + 30 * 86_400_000);
  for (let i = 0; i < count; i += 2000) {
    const slice = users.rows.slice(i, i + 2000);
    await db.insertInto("organisation_users").values(slice.map((u, j) => ({ organisation_id: organisationId, user_id: u.id, member_id: ids[i + j] }))).execute();
    await db.insertInto("user_roles").values(slice.map((u) => ({ organisation_id: organisationId, user_id: u.id, role: "member" as const }))).execute();
    const rows = slice.map((u) => {
      const token = generateToken();
      tokens.push(token);
      return { id: hashToken(token), user_id: u.id, organisation_id: organisationId, expires_at: expires };
    });
    await db.insertInto("sessions").values(rows).execute();
  }
  return { memberIds: ids, tokens };
}

export async function setUpMeeting(db: Database, organisationId: string, actor: string) {
  const meeting = await createMeeting(db, actor, organisationId, {
    kind: "agm", title: "Bench AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "",
  });
  return meeting.id;
}

export async function newOpenMotion(db: Database, organisationId: string, meetingId: string, actor: string, title: string) {
  const rules = (await getOrganisation(db, organisationId)).rules;
  const motion = await createMotion(db, actor, organisationId, meetingId, { kind: "ordinary", title, body: "", thresholdComparison: "at-least" }, rules);
  await db.transaction().execute((trx) => openMotion(trx, actor, organisationId, motion.id));
  return motion.id;
}

/*
 * The 8 clients are autocannon connections (keep-alive, requests written
 * straight to the socket): on this 2-core machine the clients share the CPU
 * with the server and PostgreSQL, so they should take as little of it as
 * browsers on other machines would. Each voter's session is used once.
 */
async function httpVotes(ctx: BenchContext, base: string, motionId: string, tokens: string[]) {
  let next = 0;
  // Timed from the first request to the last response: autocannon itself settles only at its next one-second tick.
  let first = 0;
  let last = 0;
  const result = await autocannon({
    url: `${base}/motions/${motionId}`,
    connections: CLIENTS,
    amount: tokens.length,
    requests: [
      {
        method: "POST",
        headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
        body: "choice=for",
        setupRequest: (request) => {
          first ||= performance.now();
          return { ...request, headers: { ...request.headers, Cookie: `session=${tokens[next++ % tokens.length]}` } };
        },
        onResponse: () => {
          last = performance.now();
        },
      },
    ],
  });
  const seconds = (last - first) / 1000;
  // A vote answers with a redirect to the receipt; so does the floor run (to the log-in page).
  const redirects = Number(result.statusCodeStats?.["302"]?.count ?? 0);
  const failures = tokens.length - redirects + result.errors;
  if (failures) ctx.log(`governance: ${failures} HTTP votes were not accepted`);
  return { perSecond: redirects / seconds, p99: result.latency.p99, failures };
}

/**
 * Votes cast with the app's own casting statement (sessionBallotsStatement:
 * the statement the ballot box sends, session look-up and permission
 * inside it) over plain `pg`, with no HTTP and no server: `perStatement`
 * ballots in each statement, `inFlight` statements at once, each on its
 * own connection, prepared once per connection as the app's connections
 * do. The statements are built before the clock starts, so the figure is
 * the database's alone. With the ballot box's number in flight and the
 * batch size an HTTP run reached it is the limit those HTTP votes can
 * approach; with full batches, the statement's ceiling; with one ballot per
 * statement, what a client casting one vote per statement and commit gets.
 * Every voter votes once on each motion.
 */
async function rawVotes(db: Database, motionIds: string[], tokens: string[], perStatement: number, inFlight: number) {
  const statements: { sql: string; parameters: readonly unknown[]; ballots: number }[] = [];
  for (const motionId of motionIds) {
    for (let i = 0; i < tokens.length; i += perStatement) {
      const slice = tokens.slice(i, i + perStatement).map((sessionToken) => ({ sessionToken, motionId, choice: "for" as const }));
      const compiled = sessionBallotsStatement(slice, SESSION_BALLOT_ROLES).statement.compile(db);
      statements.push({ sql: compiled.sql, parameters: compiled.parameters, ballots: slice.length });
    }
  }
  const votes = statements.reduce((n, s) => n + s.ballots, 0);
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: inFlight });
  // Connected before the clock (and the CPU count) starts, and kept until both have stopped.
  const clients = await Promise.all(Array.from({ length: inFlight }, () => pool.connect()));
  const latencies: number[] = [];
  let next = 0;
  try {
    const { result: seconds, cpu } = await cpuPerVote(db, null, votes, async () => {
      const started = performance.now();
      await Promise.all(
        clients.map(async (client) => {
          while (next < statements.length) {
            const s = statements[next++];
            const t0 = performance.now();
            const { rows } = await client.query<{ cast: boolean }>({ name: "bench_cast", text: s.sql, values: s.parameters as unknown[] });
            if (rows.filter((r) => r.cast).length !== s.ballots) throw new Error("raw pg: a vote was not cast");
            latencies.push(performance.now() - t0);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    });
    latencies.sort((a, b) => a - b);
    return { perSecond: votes / seconds, p99: percentile(latencies, 99), cpu };
  } finally {
    for (const client of clients) client.release();
    await pool.end();
  }
}

/** Better of two runs (the machine is shared: a run can meet a busy moment), both logged. */
async function bestOfTwo(ctx: BenchContext, label: string, run: (attempt: number) => Promise<{ perSecond: number; p99: number; cpu: CpuPerVote }>) {
  const runs = [await run(1), await run(2)];
  for (const r of runs) ctx.log(`governance: ${label}: ${r.perSecond.toFixed(0)} votes/s, p99 per statement ${r.p99.toFixed(1)} ms, PostgreSQL CPU ${fmtMs(r.cpu.postgresMs)} per vote`);
  return { best: runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a)), runs: runs.map((r) => r.perSecond) };
}

/** Votes per statement (and commit) in an HTTP run: the ballots of one statement share their participations' xmin. */
async function meanBatch(db: Database, motionId: string) {
  const { rows } = await sql<{ votes: number; statements: number }>`
    SELECT count(*)::int AS votes, count(DISTINCT xmin::text)::int AS statements FROM participations WHERE motion_id = ${motionId}::uuid`.execute(db);
  return rows[0].statements ? rows[0].votes / rows[0].statements : 0;
}

async function tallyMillion(db: Database, organisationId: string, motionId: string, count: number) {
  for (let done = 0; done < count; done += 250_000) {
    const n = Math.min(250_000, count - done);
    await sql`
      INSERT INTO ballots (organisation_id, motion_id, choice, weight, receipt_hash)
      SELECT ${organisationId}::uuid, ${motionId}::uuid, (ARRAY['for','against','abstain'])[1 + (g % 3)], 1, md5(${motionId}::text || g::text)
      FROM generate_series(${done + 1}::int, ${done + n}::int) g
    `.execute(db);
  }
  await sql`ANALYZE ballots`.execute(db);
  const runs: number[] = [];
  let totals = { for: 0, against: 0, abstain: 0 };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    totals = await tallyChoices(db, motionId);
    runs.push(performance.now() - t0);
  }
  return { ms: Math.min(...runs), total: totals.for + totals.against + totals.abstain };
}

async function stvCount(db: Database, organisationId: string, meetingId: string, actor: string) {
  const e = randomElection({ ballots: 100_000, candidates: 20, seats: 5, seed: 2026 });
  const names = Array.from({ length: 20 }, (_, i) => `Candidate ${i + 1}`);
  const motion = await createElection(db, actor, organisationId, meetingId, { kind: "stv", title: "Bench election", body: "", seats: 5, countMethod: "scottish", candidates: names });
  for (let i = 0; i < e.ballots.length; i += 5000) {
    const slice = e.ballots.slice(i, i + 5000);
    await sql`
      INSERT INTO ballots (organisation_id, motion_id, ranking, weight, receipt_hash)
      SELECT ${organisationId}::uuid, ${motion.id}::uuid, ('{' || r || '}')::smallint[], 1, md5(${motion.id}::text || ${i}::text || '-' || o)
      FROM unnest(${slice.map((b) => b.prefs.map((p) => p + 1).join(","))}::text[]) WITH ORDINALITY AS t(r, o)
    `.execute(db);
  }
  const motionRow = { id: motion.id, title: "Bench election", seats: 5, kind: "stv" as const, count_method: "scottish" as const };
  await sql`ANALYZE ballots`.execute(db);
  // Best of two, like the tally: the first run may meet autovacuum still busy with the bulk insert.
  let ms = Infinity;
  let counted = await countMotionElection(db, organisationId, motionRow);
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    counted = await countMotionElection(db, organisationId, motionRow);
    ms = Math.min(ms, performance.now() - t0);
  }
  const t1 = performance.now();
  countElection({ ...e, candidates: names }, "meek");
  const meekMs = performance.now() - t1;
  return { ms, meekMs, elected: counted.elected.length, ballots: counted.ballots };
}


export const bench: BenchSection = async (ctx) => {
  const db = ctx.db;
  const rows: BenchRow[] = [];
  const org = await makeOrganisation(db);
  const actor = (await makeUser(db, { organisationId: org.id, roles: ["secretary"] })).id;
  // On PGlite (one connection, WASM) the HTTP run is kept short; the targets are for the real server.
  const voters = ctx.postgres ? 6000 : 400;
  const { tokens } = await makeVoters(db, org.id, voters);
  const meetingId = await setUpMeeting(db, org.id, actor);

  // Two measured bursts (each voter once per motion), the better one reported and both printed: this machine is
  // shared, and a burst of a few seconds can meet a busy moment on the host.
  const httpMotions = [await newOpenMotion(db, org.id, meetingId, actor, "Bench: HTTP votes 1"), await newOpenMotion(db, org.id, meetingId, actor, "Bench: HTTP votes 2")];
  // A warm-up on another motion, every voter once, so the JIT and the connection pool are in their steady state,
  // as in a server that has been up for a while.
  const warm = await newOpenMotion(db, org.id, meetingId, actor, "Bench: warm-up");
  const served = await withServer(ctx, db, async ({ base, pid }) => {
    await httpVotes(ctx, base, warm, ctx.postgres ? tokens : tokens.slice(0, 50));
    const bursts = [];
    for (const motion of httpMotions) {
      const burst = await cpuPerVote(db, pid, tokens.length, () => httpVotes(ctx, base, motion, tokens));
      bursts.push({ ...burst, batch: await meanBatch(db, motion) });
    }
    const best = bursts.reduce((a, b) => (b.result.perSecond > a.result.perSecond ? b : a));
    // For comparison: the same POST with no session, which the ballot box passes on and Remix answers (redirect to log-in).
    const floorRun = await httpVotes(ctx, base, "00000000-0000-4000-8000-000000000000", new Array<string>(Math.min(tokens.length, 2000)).fill(""));
    const failures = bursts.reduce((n, b) => n + b.result.failures, 0);
    return { votes: { ...best.result, failures }, runs: bursts.map((b) => b.result.perSecond), floorRun, cpu: best.cpu, batch: best.batch };
  });
  const { votes: http, runs, floorRun: floor, cpu, batch } = served.result;
  if (served.peakRssMb !== null) {
    rows.push({ figure: "Server peak memory (RSS) through the vote burst", target: "< 300 MB", measured: `${served.peakRssMb.toFixed(0)} MB`, pass: served.peakRssMb < 300 });
  }
  rows.push({
    figure: `Votes cast over HTTP (${CLIENTS} clients, ${voters} voters)`,
    target: ">= 1,500 votes/s",
    measured: `${http.perSecond.toFixed(0)} votes/s`,
    pass: http.perSecond >= 1500 && http.failures === 0,
    note: [
      `better of two bursts: ${runs.map((r) => r.toFixed(0)).join(" and ")} votes/s`,
      `${batch.toFixed(1)} votes per statement on average (the ballot box batches what arrives together)`,
      `the same POST without a session, answered by Remix (redirect to log-in, no database work): ${floor.perSecond.toFixed(0)} req/s`,
    ].join("; "),
  });
  rows.push({ figure: "Vote latency over HTTP, p99", target: "< 50 ms", measured: `${http.p99.toFixed(1)} ms`, pass: http.p99 < 50 });

  if (ctx.postgres && process.env.DATABASE_URL) {
    // The limit: the ballot box's statement and number in flight with nothing in front of the database, at the batch
    // size the HTTP run reached (the same database work per vote) and with full batches (the statement's ceiling).
    // The full-batch runs cast on three motions each (18,000 votes), so they last long enough to time.
    const { maxBatch, concurrency } = SESSION_BALLOT_BATCHES;
    const same = Math.min(maxBatch, Math.max(1, Math.round(batch)));
    const limit = await bestOfTwo(ctx, `limit run (${same} per statement, ${concurrency} in flight)`, async (attempt) =>
      rawVotes(db, [await newOpenMotion(db, org.id, meetingId, actor, `Bench: vote limit ${attempt}`)], tokens, same, concurrency),
    );
    const full = await bestOfTwo(ctx, `full batches (${maxBatch} per statement, ${concurrency} in flight)`, async (attempt) => {
      const motions = [];
      for (let m = 1; m <= 3; m++) motions.push(await newOpenMotion(db, org.id, meetingId, actor, `Bench: full batches ${attempt}.${m}`));
      return rawVotes(db, motions, tokens, maxBatch, concurrency);
    });
    const single = await bestOfTwo(ctx, `one vote per statement (${CLIENTS} in flight)`, async (attempt) =>
      rawVotes(db, [await newOpenMotion(db, org.id, meetingId, actor, `Bench: raw one per statement ${attempt}`)], tokens, 1, CLIENTS),
    );
    const runsNote = (r: typeof limit) => `better of two runs (${r.runs.map((x) => x.toFixed(0)).join(" and ")}); p99 per statement ${r.best.p99.toFixed(1)} ms; PostgreSQL CPU ${fmtMs(r.best.cpu.postgresMs)} per vote`;
    rows.push({
      figure: `Vote limit: the ballot box's statement over raw pg, ${same} votes per statement (as the HTTP run), ${concurrency} in flight`,
      target: "-",
      measured: `${limit.best.perSecond.toFixed(0)} votes/s`,
      pass: null,
      note: `${runsNote(limit)}; no HTTP and no server: the statements are built before the clock starts`,
    });
    rows.push({
      figure: "Votes over HTTP as a share of the vote limit",
      target: "-",
      measured: `${((http.perSecond / limit.best.perSecond) * 100).toFixed(0)}%`,
      pass: null,
      note: `${http.perSecond.toFixed(0)} of ${limit.best.perSecond.toFixed(0)} votes/s; of the full-batch limit below, ${((http.perSecond / full.best.perSecond) * 100).toFixed(0)}%`,
    });
    rows.push({
      figure: `Vote limit with full batches: the same statement, ${maxBatch} votes per statement, ${concurrency} in flight`,
      target: "-",
      measured: `${full.best.perSecond.toFixed(0)} votes/s`,
      pass: null,
      note: `${runsNote(full)}; what the database takes when votes arrive faster than ${CLIENTS} clients send them`,
    });
    rows.push({
      figure: `Raw pg, the same statement one vote per statement, ${CLIENTS} in flight`,
      target: "-",
      measured: `${single.best.perSecond.toFixed(0)} votes/s`,
      pass: null,
      note: runsNote(single),
    });
  }
  if (cpu.serverMs !== null || cpu.postgresMs !== null) {
    const both = cpu.serverMs !== null && cpu.postgresMs !== null ? cpu.serverMs + cpu.postgresMs : null;
    rows.push({
      figure: "CPU per vote over HTTP: server + PostgreSQL (not the load generator)",
      target: "-",
      measured: `${fmtMs(cpu.serverMs)} + ${fmtMs(cpu.postgresMs)}`,
      pass: null,
      note:
        both === null
          ? undefined
          : `server process and the bench database's PostgreSQL backends, utime + stime from /proc; ${both.toFixed(2)} ms in all, so ${cpus().length} cores given to them alone would carry at most ${Math.round((cpus().length * 1000) / both)} votes/s`,
    });
  }
  ctx.log(`governance: HTTP ${http.perSecond.toFixed(0)} votes/s p99 ${http.p99.toFixed(1)} ms, ${batch.toFixed(1)} votes per statement; CPU per vote: server ${fmtMs(cpu.serverMs)}, PostgreSQL ${fmtMs(cpu.postgresMs)}`);

  const tallyMotion = await newOpenMotion(db, org.id, meetingId, actor, "Bench: tally");
  const tally = await tallyMillion(db, org.id, tallyMotion, 1_000_000);
  rows.push({ figure: "Tally of 1,000,000 ballots (SQL)", target: "< 1 s", measured: `${(tally.ms / 1000).toFixed(3)} s`, pass: tally.ms < 1000 && tally.total === 1_000_000 });

  const stv = await stvCount(db, org.id, meetingId, actor);
  rows.push({
    figure: "STV count, 100,000 ranked ballots, 20 candidates (Scottish, from the database)",
    target: "< 2 s",
    measured: `${(stv.ms / 1000).toFixed(3)} s`,
    pass: stv.ms < 2000 && stv.ballots === 100_000 && stv.elected === 5,
    note: `Meek on the same ballots in memory: ${(stv.meekMs / 1000).toFixed(3)} s`,
  });
  return rows;
};
