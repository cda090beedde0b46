import pg from "pg";
const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
await c.connect().catch(async (e) => { console.log("connect", e.message); process.exit(1); });
const ids = Array.from({ length: 800 }, (_, i) => String(i + 1));
const nums = Array.from({ length: 800 }, (_, i) => i + 1);
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const r = await c.query("explain analyze select * from unnest($1::bigint[], $2::int[]) as x(a, b)", [ids, nums]);
  console.log(performance.now() - t0, r.rows.map((x) => x["QUERY PLAN"]).join(" | "));
}
await c.end();
