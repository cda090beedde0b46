import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { PageHead, TableWrap } from "~/components/ui";
import { getStatementUploadForJob, STATEMENT_IMPORT_JOB } from "~/models/treasury/statement-uploads.server";
import { ImportJobParams } from "~/schemas/treasury";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { getJob } from "~/utils/jobs.server";
import { notFoundResponse } from "~/web/refusals.server";
import { requirePermission } from "~/web/session.server";

/* How far a large statement import has got (docs/treasury.md): the job's
 * progress while it runs, then what it imported or every problem found. */

export const access: RouteAccess = { loader: "treasury:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Importing ${data?.filename ?? "a statement"} · Co-op Register` }];

const NO_SUCH_IMPORT = "There is no such statement import.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:read");
  const parsed = ImportJobParams.safeParse(params);
  if (!parsed.success) throw notFoundResponse(NO_SUCH_IMPORT);
  const jobId = BigInt(parsed.data.jobId);
  const db = await getDb();
  // Both reads are scoped by the organisation: another organisation's import is a page that does not exist.
  const job = await getJob(db, ctx.organisation.id, jobId);
  if (!job || job.kind !== STATEMENT_IMPORT_JOB) throw notFoundResponse(NO_SUCH_IMPORT);
  const upload = await getStatementUploadForJob(db, ctx.organisation.id, jobId);
  if (!upload) throw notFoundResponse(NO_SUCH_IMPORT);
  const outcome = upload.outcome;
  return {
    jobId: parsed.data.jobId,
    filename: upload.filename,
    account: { id: upload.bank_account_id, name: upload.account_name },
    status: job.status,
    progress: outcome ? 100 : job.progress,
    message: job.message,
    retrying: job.status === "queued" && job.attempts > 0 ? job.last_error ?? "" : null,
    failed: job.status === "failed" && !outcome ? job.last_error ?? "" : null,
    outcome: outcome === null ? null
      : outcome.ok ? { ok: true as const, linesNew: outcome.linesNew, linesExisting: outcome.linesExisting, firstDate: outcome.firstDate, lastDate: outcome.lastDate }
      : { ok: false as const, errors: outcome.errors.slice(0, 1000), total: outcome.total },
  };
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;

/** Reloads the page's data every second until the import has finished (without JavaScript: the meta refresh below). */
function useReloadWhile(active: boolean) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (state === "idle") revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);
}

export default function StatementImportProgress() {
  const d = useLoaderData<typeof loader>();
  const finished = d.outcome !== null || d.failed !== null;
  useReloadWhile(!finished);
  const status = d.outcome?.ok
    ? `Imported: ${plural(d.outcome.linesNew, "new line")}, ${d.outcome.linesExisting.toLocaleString("en-GB")} already imported.`
    : d.outcome
      ? `Nothing was imported: ${plural(d.outcome.total, "problem")}.`
      : d.failed !== null
        ? "The import could not run, and nothing was imported. Import the file again; if it happens again, tell whoever looks after the app."
        : d.status === "queued"
          ? d.retrying !== null ? "The import stopped before it finished (nothing was kept) and will be tried again shortly." : "Waiting to start…"
          : `${d.progress}% done${d.message ? `: ${d.message}` : ""}`;
  return (
    <>
      {finished ? null : <noscript><meta httpEquiv="refresh" content="2" /></noscript>}
      <PageHead title={`Importing ${d.filename}`}>
        <Link to={`/treasury/accounts/${d.account.id}`}>{d.account.name}</Link>
        <Link to="/treasury">All bank accounts</Link>
      </PageHead>
      <section className="card stack" aria-labelledby="progress-heading">
        <h2 id="progress-heading">{finished ? "Finished" : "Importing the statement"}</h2>
        <label htmlFor="import-progress">How far the import has got</label>
        <progress id="import-progress" max={100} value={d.progress} aria-describedby="import-status">{`${d.progress}%`}</progress>
        <p id="import-status" role="status" aria-live="polite">{status}</p>
        {finished ? null : (
          <p className="muted">
            All or nothing: the lines appear on the account together once every one has been checked and written. You can leave this page; the import carries on.{" "}
            <a href={`/treasury/imports/${d.jobId}`}>Refresh</a>
          </p>
        )}
        {d.outcome?.ok ? <p>{`Statement dates ${d.outcome.firstDate} to ${d.outcome.lastDate}.`} <Link to={`/treasury/accounts/${d.account.id}`}>See the statement lines</Link></p> : null}
      </section>
      {d.outcome && !d.outcome.ok ? (
        <section className="card" role="alert" aria-labelledby="problems-heading">
          <h2 id="problems-heading">{`Nothing was imported: ${plural(d.outcome.total, "problem")}`}</h2>
          <p>Correct the file (or download it again from online banking) and import it again. Nothing from this file was kept.{d.outcome.total > d.outcome.errors.length ? ` The first ${d.outcome.errors.length.toLocaleString("en-GB")} are listed.` : ""}</p>
          <TableWrap label="Problems in the file">
            <table>
              <thead><tr><th scope="col" className="num">Line</th><th scope="col" className="num">Entry</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
              <tbody>{d.outcome.errors.map((e, i) => <tr key={i}><td className="num">{e.line}</td><td className="num">{e.entry ?? ""}</td><td>{e.column ?? ""}</td><td>{e.reason}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
    </>
  );
}
