import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { ShareClassForm } from "~/components/shares/class-form";
import { PageHead } from "~/components/ui";
import { createShareClass } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "shares:write", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Add a share class · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "shares:write");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: ShareClassSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    await db.transaction().execute((trx) => createShareClass(trx, ctx.user.id, ctx.organisation.id, submission.value));
  } catch (error) {
    return replyRefusal(submission, error);
  }
  return redirect("/shares");
}

export default function NewShareClass() {
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <PageHead title="Add a share class" />
      <section className="card">
        <ShareClassForm
          lastResult={lastResult}
          submitLabel="Add share class"
          defaultValue={{ parValue: "1.00", minHolding: "1", maxHolding: "100000.00", withdrawable: true, noticeDays: "90", interestRate: "0", voting: "one-member-one-vote" }}
        />
      </section>
    </>
  );
}
