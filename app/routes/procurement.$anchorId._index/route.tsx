import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { BarChartWithTable, FigureHead, pct } from "~/components/impact/chart";
import { Flash, PageHead, Stat } from "~/components/ui";
import { parseSupplierSpendCsv } from "~/domain/impact/csv";
import type { SpendError } from "~/domain/impact/procurement";
import { displayMoney } from "~/domain/money";
import { getAnchor, recordSpendUpload, withdrawUpload } from "~/models/impact/procurement.server";
import { anchorSpendPageData } from "~/models/impact/procurement-views.server";
import { SpendUploadSchema, WithdrawUploadSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { idParam } from "~/web/params.server";
import { orNotFound, replyRefusal } from "~/web/refusals.server";
import { SpendByPeriod } from "./spend-by-period";
import { SpendUploadForm } from "./upload-form";
import { UploadedFiles } from "./uploaded-files";

export const access: RouteAccess = { loader: "impact:read", action: "organisation:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.anchor.name ?? "Anchor institution"} · Co-op Register` }];

async function anchorOr404(organisationId: string, params: Readonly<Record<string, string | undefined>>) {
  return orNotFound(await getAnchor(await getDb(), organisationId, idParam(params, "anchorId", "No such anchor institution")), "No such anchor institution");
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const anchor = await anchorOr404(ctx.organisation.id, params);
  return { anchor, canManage: ctx.permissions.has("organisation:manage"), ...(await anchorSpendPageData(await getDb(), ctx.organisation, anchor.id)) };
}

/** The action's answer: the form's reply, with the file's bad rows, the rows flagged as outside the UK and a message, where there are any. */
function answer(result: SubmissionResult<string[]>, more: { rowErrors?: SpendError[]; flags?: SpendError[]; message?: string | null; error?: string | null } = {}) {
  return { result, rowErrors: more.rowErrors ?? [], flags: more.flags ?? [], message: more.message ?? null, error: more.error ?? null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const anchor = await anchorOr404(ctx.organisation.id, params);
  const formData = await readForm(request);
  const db = await getDb();
  if (formData.get("intent") === "withdraw") {
    const submission = parseForm(formData, { schema: WithdrawUploadSchema });
    // A withdrawal without the confirmation (or of no such upload) is refused, and says why above the page.
    if (submission.status !== "success") return answer(submission.reply(), { error: Object.values(submission.error ?? {}).flat().join(". ") });
    const done = await db.transaction().execute((trx) => withdrawUpload(trx, ctx.user.id, ctx.organisation.id, anchor.id, submission.value.uploadId));
    return answer(submission.reply({ resetForm: true }), { message: done ? "The upload was withdrawn; its spend no longer counts." : null });
  }
  const submission = parseForm(formData, { schema: SpendUploadSchema });
  if (submission.status !== "success") return answer(submission.reply());
  const file = submission.value.spendFile;
  const checked = parseSupplierSpendCsv(await file.text());
  if (!checked.ok) {
    // Refused whole: a partial upload would give a local share nobody could trust.
    const n = checked.errors.length;
    return answer(
      submission.reply({ formErrors: [`Nothing was saved: ${n} ${n === 1 ? "problem" : "problems"} in ${file.name}. Put ${n === 1 ? "it" : "them"} right and upload the whole file again.`] }),
      { rowErrors: checked.errors, flags: checked.flags },
    );
  }
  if (checked.rows.length === 0) return answer(submission.reply({ formErrors: ["The file has a header but no spend lines."] }));
  let saved: Awaited<ReturnType<typeof recordSpendUpload>>;
  try {
    saved = await db.transaction().execute((trx) => recordSpendUpload(trx, ctx.user.id, ctx.organisation.id, anchor.id, file.name, checked.rows));
  } catch (error) {
    return answer(replyRefusal(submission, error));
  }
  return answer(submission.reply({ resetForm: true }), {
    flags: checked.flags,
    message: `Saved ${saved.lines} spend lines totalling ${displayMoney(saved.total, ctx.organisation)} from ${file.name}.`,
  });
}

export default function AnchorSpend() {
  const data = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const base = `/procurement/${data.anchor.id}`;
  return (
    <>
      <PageHead title={data.anchor.name}>
        <Link to="/procurement">All anchor institutions</Link>
      </PageHead>
      <Flash message={reply?.message} />
      <Flash tone="error" message={reply?.error} />
      <section className="grid">
        <Stat label="Spend uploaded" value={data.overall.total} />
        <Stat label="Local share" value={pct(data.overall.localPercent)} hint={`${data.overall.local} with suppliers in ${data.localArea || "the local area (not set)"}`} />
        <Stat label="Wider area share" value={pct(data.overall.widerPercent)} hint={`${data.overall.wider} in ${data.widerArea || "the wider area (not set)"}, including the local area`} />
      </section>

      <SpendByPeriod anchorName={data.anchor.name} csv={`${base}/csv`} periods={data.periods} />

      <section className="card">
        <FigureHead title="Opportunities: largest spend leaving the local area" csv={`${base}/csv?figure=opportunities`} />
        <p className="muted">Categories of spend with suppliers outside the local area, largest first: where local suppliers could compete.</p>
        <BarChartWithTable
          label="Largest categories of spend with suppliers outside the local area"
          caption="Non-local spend by category"
          keyLabel="Category"
          countLabel="Lines"
          colour="#b4541a"
          rows={data.opportunities}
        />
      </section>

      {data.canManage ? <SpendUploadForm reply={reply} /> : null}

      <UploadedFiles uploads={data.uploads} canManage={data.canManage} />
    </>
  );
}
