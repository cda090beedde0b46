import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ImportProgress, plural } from "~/components/import-progress";
import { PageHead } from "~/components/ui";
import { getMembersUploadForJob, MEMBERS_IMPORT_JOB } from "~/models/shares/member-import-uploads.server";
import { MembersImportJobParams } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { getJob, jobProgress } from "~/utils/jobs.server";
import { notFoundResponse } from "~/web/refusals.server";
import { requirePermission } from "~/web/session.server";

/* How far a large members import has got (docs/shares.md "Importing
 * members"): the job's progress while it runs, then how many members it
 * imported or every problem found with its line. */

export const access: RouteAccess = { loader: "shares:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Importing ${data?.filename ?? "members"} · Co-op Register` }];

const NO_SUCH_IMPORT = "There is no such members import.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const parsed = MembersImportJobParams.safeParse(params);
  if (!parsed.success) throw notFoundResponse(NO_SUCH_IMPORT);
  const jobId = BigInt(parsed.data.importJobId);
  const db = await getDb();
  // Both reads are scoped by the organisation: another organisation's import is a page that does not exist.
  const job = await getJob(db, ctx.organisation.id, jobId);
  if (!job || job.kind !== MEMBERS_IMPORT_JOB) throw notFoundResponse(NO_SUCH_IMPORT);
  const upload = await getMembersUploadForJob(db, ctx.organisation.id, jobId);
  if (!upload) throw notFoundResponse(NO_SUCH_IMPORT);
  const outcome = upload.outcome;
  return { jobId: parsed.data.importJobId, filename: upload.filename, job: jobProgress(job, outcome !== null), outcome };
}

export default function MembersImportProgress() {
  const d = useLoaderData<typeof loader>();
  return (
    <ImportProgress
      href={`/members/import/${d.jobId}`}
      head={
        <PageHead title={`Importing ${d.filename}`}>
          <Link to="/import">Import members</Link>
          <Link to="/members">Members</Link>
        </PageHead>
      }
      job={d.job}
      what="the members"
      imported={d.outcome?.ok ? `Imported ${plural(d.outcome.members, "member")} with ${plural(d.outcome.shares, "share")}.` : null}
      problems={d.outcome && !d.outcome.ok ? d.outcome : null}
      allOrNothing="All or nothing: the members appear on the register together once every row has been checked and written."
      advice="Correct the rows listed and import the file again. Nothing from this file was kept."
      fieldHeading="Column"
    >
      {d.outcome?.ok ? <p><Link to="/members">See the members</Link></p> : null}
    </ImportProgress>
  );
}
