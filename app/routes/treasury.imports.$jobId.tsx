import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ImportProgress, plural } from "~/components/import-progress";
import { PageHead } from "~/components/ui";
import { getStatementUploadForJob, STATEMENT_IMPORT_JOB } from "~/models/treasury/statement-uploads.server";
import { ImportJobParams } from "~/schemas/treasury";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { getJob, jobProgress } from "~/utils/jobs.server";
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
    job: jobProgress(job, outcome !== null),
    outcome: outcome === null ? null
      : outcome.ok ? { ok: true as const, linesNew: outcome.linesNew, linesExisting: outcome.linesExisting, firstDate: outcome.firstDate, lastDate: outcome.lastDate }
      : { ok: false as const, errors: outcome.errors.slice(0, 1000), total: outcome.total },
  };
}

export default function StatementImportProgress() {
  const d = useLoaderData<typeof loader>();
  return (
    <ImportProgress
      href={`/treasury/imports/${d.jobId}`}
      head={
        <PageHead title={`Importing ${d.filename}`}>
          <Link to={`/treasury/accounts/${d.account.id}`}>{d.account.name}</Link>
          <Link to="/treasury">All bank accounts</Link>
        </PageHead>
      }
      job={d.job}
      what="the statement"
      imported={d.outcome?.ok ? `Imported: ${plural(d.outcome.linesNew, "new line")}, ${d.outcome.linesExisting.toLocaleString("en-GB")} already imported.` : null}
      problems={d.outcome && !d.outcome.ok ? d.outcome : null}
      allOrNothing="All or nothing: the lines appear on the account together once every one has been checked and written."
      advice="Correct the file (or download it again from online banking) and import it again. Nothing from this file was kept."
      entryColumn
      fieldHeading="Field"
    >
      {d.outcome?.ok ? <p>{`Statement dates ${d.outcome.firstDate} to ${d.outcome.lastDate}.`} <Link to={`/treasury/accounts/${d.account.id}`}>See the statement lines</Link></p> : null}
    </ImportProgress>
  );
}
