import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Flash, PageHead } from "~/components/ui";
import { AUDIT_KINDS, auditKindLabel } from "~/domain/audit-words";
import { auditPage, describeAuditRows, verifyAuditChain } from "~/models/core/audit.server";
import { listOrganisationUsers } from "~/models/core/users.server";
import { AuditQuerySchema } from "~/schemas/audit";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "audit:read" };
export const meta: MetaFunction = () => [{ title: "Audit trail · Co-op Register" }];

/** The kinds in the filter, by their labels. */
const KIND_OPTIONS = AUDIT_KINDS.map((k) => ({ value: k, label: auditKindLabel(k) })).sort((a, b) => a.label.localeCompare(b.label, "en-GB"));

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "audit:read");
  const db = await getDb();
  const raw = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = AuditQuerySchema.safeParse(raw);
  // A filter that cannot be read is said beside its box, and the trail shows unfiltered rather than a bare 400.
  const query = parsed.success ? parsed.data : {};
  const fieldErrors = parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message]));
  const filter = { kind: query.kind, who: query.who, from: query.from, to: query.to, q: query.q };
  const [page, check, users] = await Promise.all([
    auditPage(db, ctx.organisation, filter, { before: query.before, after: query.after }),
    verifyAuditChain(db, ctx.organisation.id),
    listOrganisationUsers(db, ctx.organisation.id),
  ]);
  const filters = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return {
    events: await describeAuditRows(db, ctx.organisation, page.events),
    older: page.older,
    newer: page.newer,
    filters,
    values: { kind: String(raw.kind ?? ""), who: String(raw.who ?? ""), from: String(raw.from ?? ""), to: String(raw.to ?? ""), q: String(raw.q ?? "") },
    fieldErrors,
    users: users.map((u) => ({ id: u.id, name: u.name })),
    check: check.ok ? { ok: true as const, events: check.events } : { ok: false as const, events: check.events, brokenAt: String(check.brokenAt), reason: check.reason },
  };
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? <p className="error" id={id}>{message}</p> : null;
}

export default function Audit() {
  const { events, older, newer, filters, values, fieldErrors, users, check } = useLoaderData<typeof loader>();
  const errors = fieldErrors as Record<string, string | undefined>;
  const link = (extra: Record<string, string>) => `?${new URLSearchParams({ ...filters, ...extra })}`;
  const filtered = Object.keys(filters).length > 0;
  return (
    <>
      <PageHead title="Audit trail">
        <a className="button secondary" href={`/audit.csv${link({})}`} download>
          Download CSV<span className="visually-hidden"> of the {filtered ? "filtered " : ""}audit trail</span>
        </a>
      </PageHead>
      {check.ok ? (
        <Flash tone="success" message={`Chain verified: all ${check.events} events are intact and in order.`} />
      ) : (
        <Flash tone="error" message={`The chain is broken at event ${check.brokenAt}: ${check.reason}.`} />
      )}
      <Form method="get" className="toolbar" role="search" aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="q">Subject</label>
          <input id="q" name="q" type="search" defaultValue={values.q} aria-describedby="q-hint q-error" aria-invalid={errors.q ? true : undefined} />
          <p className="hint" id="q-hint">A member&apos;s name or number, a borrower, a file or title</p>
          <FieldError id="q-error" message={errors.q} />
        </div>
        <div className="field">
          <label htmlFor="kind">What happened</label>
          <select id="kind" name="kind" defaultValue={values.kind} aria-describedby="kind-error" aria-invalid={errors.kind ? true : undefined}>
            <option value="">Anything</option>
            {KIND_OPTIONS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
          <FieldError id="kind-error" message={errors.kind} />
        </div>
        <div className="field">
          <label htmlFor="who">Who</label>
          <select id="who" name="who" defaultValue={values.who} aria-describedby="who-error" aria-invalid={errors.who ? true : undefined}>
            <option value="">Anyone</option>
            <option value="system">The system (no one signed in)</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          <FieldError id="who-error" message={errors.who} />
        </div>
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={values.from} aria-describedby="from-error" aria-invalid={errors.from ? true : undefined} />
          <FieldError id="from-error" message={errors.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={values.to} aria-describedby="to-error" aria-invalid={errors.to ? true : undefined} />
          <FieldError id="to-error" message={errors.to} />
        </div>
        <button type="submit">Show events</button>
        {filtered ? <Link to="/audit">Clear filters</Link> : null}
      </Form>
      {errors.before || errors.after ? <Flash tone="error" message="That page of the audit trail could not be read, so the newest events are shown." /> : null}
      {events.length === 0 ? (
        <p>{filtered ? "No events match these filters." : "Nothing has been recorded yet."}</p>
      ) : (
        <ol className="audit-events" aria-label="Audit events, newest first">
          {events.map((e) => (
            <li key={e.seq} className="card">
              <p className="audit-sentence">{e.sentence}</p>
              <p className="muted">
                <time dateTime={e.at}>{e.when}</time> · {e.kindLabel} · event {e.seq}
              </p>
              <details>
                <summary>Details<span className="visually-hidden"> of event {e.seq}</span></summary>
                <dl className="facts">
                  <dt>Kind</dt><dd><code>{e.kind}</code></dd>
                  <dt>Record</dt><dd><code>{e.entity}</code></dd>
                  {e.before.length ? <><dt>Before</dt><dd><pre className="mail">{e.before.join("\n")}</pre></dd></> : null}
                  {e.after.length ? <><dt>After</dt><dd><pre className="mail">{e.after.join("\n")}</pre></dd></> : null}
                  <dt>As recorded</dt><dd><pre className="mail">{e.body}</pre></dd>
                </dl>
              </details>
            </li>
          ))}
        </ol>
      )}
      <nav className="toolbar" aria-label="Pages of the audit trail">
        {newer ? <Link className="button secondary" to={link({ after: newer })} rel="prev">Newer events</Link> : null}
        {older ? <Link className="button secondary" to={link({ before: older })} rel="next">Older events</Link> : null}
      </nav>
    </>
  );
}
