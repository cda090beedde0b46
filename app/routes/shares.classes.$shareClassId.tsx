import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ShareClassForm } from "~/components/shares/class-form";
import { PageHead } from "~/components/ui";
import { displayMoney, formatMinor } from "~/domain/money";
import { getShareClass, updateShareClass } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "shares:read", action: "shares:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.cls.name ?? "Share class"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const cls = await getShareClass(await getDb(), ctx.organisation.id, idParam(params, "shareClassId"));
  if (!cls) throw notFoundResponse();
  return {
    cls: {
      id: cls.id, name: cls.name, parValue: formatMinor(BigInt(cls.par_value)), minHolding: String(cls.min_holding),
      maxHolding: cls.max_holding_value === null ? "" : formatMinor(BigInt(cls.max_holding_value)), withdrawable: cls.withdrawable,
      transferable: cls.transferable, noticeDays: String(cls.notice_days), interestRate: (cls.interest_rate_bp / 100).toString(), voting: cls.voting,
      parDisplay: displayMoney(BigInt(cls.par_value), ctx.organisation),
    },
    canWrite: ctx.permissions.has("shares:write"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const classId = idParam(params, "shareClassId");
  const submission = parseForm(await readForm(request), { schema: ShareClassSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const updated = await db.transaction().execute((trx) => updateShareClass(trx, ctx.user.id, ctx.organisation.id, classId, submission.value));
    if (!updated) throw notFoundResponse();
  } catch (error) {
    return replyRefusal(submission, error);
  }
  return redirect("/shares");
}

export default function ShareClassPage() {
  const { cls, canWrite } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <PageHead title={cls.name}><Link to="/shares">Back to share capital</Link></PageHead>
      <section className="card">
        {canWrite ? (
          <ShareClassForm lastResult={lastResult} submitLabel="Save share class" defaultValue={cls} />
        ) : (
          <dl className="facts">
            <dt>Par value</dt><dd>{cls.parDisplay}</dd>
            <dt>Minimum holding</dt><dd>{cls.minHolding} shares</dd>
            <dt>Maximum holding</dt><dd>{cls.maxHolding || "No maximum"}</dd>
            <dt>Withdrawable</dt><dd>{cls.withdrawable ? `Yes, ${cls.noticeDays} days' notice` : "No"}</dd>
            <dt>Transferable</dt><dd>{cls.transferable ? "Yes, with board approval" : "No"}</dd>
            <dt>Interest</dt><dd>{cls.interestRate}% a year</dd>
            <dt>Voting</dt><dd>{cls.voting === "weighted" ? "Weighted" : "One member, one vote"}</dd>
          </dl>
        )}
      </section>
    </>
  );
}
