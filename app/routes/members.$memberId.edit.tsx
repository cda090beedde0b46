import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { MemberForm } from "~/components/member-form";
import { PageHead } from "~/components/ui";
import { getMember, updateMemberDetails } from "~/models/shares/members.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { MemberSchema } from "~/schemas/member";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "register:write", action: "register:write" };
export const meta: MetaFunction = () => [{ title: "Edit member · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:write");
  const member = await getMember(await getDb(), ctx.organisation.id, idParam(params, "memberId"));
  if (!member) throw notFoundResponse();
  return { member };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "register:write");
  const memberId = idParam(params, "memberId");
  const submission = parseForm(await readForm(request), { schema: MemberSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  const updated = await db.transaction().execute(async (trx) => {
    const org = await getOrganisation(trx, ctx.organisation.id);
    return updateMemberDetails(trx, ctx.user.id, ctx.organisation.id, org.local_area, memberId, submission.value);
  });
  if (!updated) throw notFoundResponse();
  return redirect(`/members/${memberId}`);
}

export default function EditMember() {
  const { member } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <PageHead title={`Edit ${member.name}`} />
      <section className="card">
        <MemberForm
          mode="edit"
          lastResult={lastResult}
          defaultValue={{
            kind: member.kind,
            name: member.name,
            memberNumber: member.member_number,
            email: member.email,
            phone: member.phone,
            address: member.address,
            postcode: member.postcode,
            status: member.status,
            statusDate: member.applied_on,
          }}
        />
      </section>
    </>
  );
}
