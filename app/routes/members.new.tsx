import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { MemberForm } from "~/components/member-form";
import { PageHead } from "~/components/ui";
import { createMember, nextMemberNumber } from "~/models/shares/members.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { MemberSchema } from "~/schemas/member";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "register:write", action: "register:write" };
export const meta: MetaFunction = () => [{ title: "Add a member · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:write");
  return { next: await nextMemberNumber(await getDb(), ctx.organisation.id), today: clock.today(ctx.organisation) };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "register:write");
  const submission = parseForm(await readForm(request), { schema: MemberSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const member = await db.transaction().execute(async (trx) => {
      const org = await getOrganisation(trx, ctx.organisation.id);
      return createMember(trx, ctx.user.id, ctx.organisation.id, org.local_area, submission.value);
    });
    return redirect(`/members/${member.id}`);
  } catch (error) {
    return replyRefusal(submission, error);
  }
}

export default function NewMember() {
  const { today } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <PageHead title="Add a member" />
      <section className="card">
        <MemberForm mode="create" lastResult={lastResult} defaultValue={{ kind: "person", status: "applied", statusDate: today }} />
      </section>
    </>
  );
}
