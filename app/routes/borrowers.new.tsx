import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { BorrowerFields } from "~/components/lending/borrower-fields";
import { PageHead } from "~/components/ui";
import { createBorrower } from "~/models/lending/borrowers.server";
import { BorrowerSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:write", action: "loans:write" };
export const meta: MetaFunction = () => [{ title: "Add a borrower · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "loans:write");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: BorrowerSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const b = await db.transaction().execute((trx) => createBorrower(trx, ctx.user.id, ctx.organisation.id, submission.value));
    return redirect(`/borrowers/${b.id}`);
  } catch (e) {
    return replyRefusal(submission, e);
  }
}

export default function NewBorrower() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { legalForm: "company" }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: BorrowerSchema }) });
  return (
    <>
      <PageHead title="Add a borrower" />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <BorrowerFields fields={fields} />
          <button type="submit">Add borrower</button>
        </Form>
      </section>
    </>
  );
}
