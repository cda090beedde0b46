import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { startCardPurchase } from "~/models/payments/share-checkout.server";
import { newSubmissionKey } from "~/models/core/form-submissions.server";
import { keyed } from "~/schemas/common";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { BuySchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { appUrl, requirePermission } from "~/web/session.server";
import { cardPaymentsEnabled, cardsOffNotice, stripeClient } from "~/utils/stripe.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:write", action: "self:write" };
export const meta: MetaFunction = () => [{ title: "Buy shares · Co-op Register" }];

/** With the page's one-time key, which is also Stripe's idempotency key: a double click starts one checkout. */
const BuyForm = keyed(BuySchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const classes = await listShareClasses(await getDb(), ctx.organisation.id);
  return {
    linked: !!ctx.memberId,
    classes: classes.map((c) => [c.id, `${c.name} (${displayMoney(BigInt(c.par_value), ctx.organisation)} each)`] as const),
    enabled: cardPaymentsEnabled(),
    howTo: cardPaymentsEnabled() ? null : cardsOffNotice(ctx.permissions.has("organisation:manage")),
    submissionKey: newSubmissionKey(),
    cancelled: new URL(request.url).searchParams.has("cancelled"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const submission = parseForm(await readForm(request), { schema: BuyForm });
  if (submission.status !== "success") return submission.reply();
  const stripe = await stripeClient();
  if (!stripe || !cardPaymentsEnabled()) return submission.reply({ formErrors: [cardsOffNotice(ctx.permissions.has("organisation:manage"))] });
  if (!ctx.memberId) return submission.reply({ formErrors: ["Your log-in is not linked to a member of this society."] });
  const r = await startCardPurchase(await getDb(), stripe, {
    organisationId: ctx.organisation.id, currency: ctx.organisation.currency, actorUserId: ctx.user.id, memberId: ctx.memberId,
    classId: submission.value.classId, shares: submission.value.shares, idempotencyKey: submission.value.submissionKey, appUrl: appUrl(request),
  });
  if (!r.ok) return replyRefusal(submission, r);
  return redirect(r.url);
}

export default function BuyShares() {
  const { linked, classes, enabled, howTo, submissionKey, cancelled } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { classId: classes[0]?.[0], shares: "10" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: BuyForm }),
  });
  return (
    <>
      <PageHead title="Buy shares" />
      <Flash message={cancelled ? "The card payment was cancelled; nothing was taken." : null} tone="info" />
      {!linked ? <p>Your log-in is not linked to a member of this society.</p> : null}
      <section className="card">
        <h2>Pay by card</h2>
        {enabled ? null : <div className="alert info" role="status">{howTo}</div>}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SubmissionKey value={submissionKey} />
          <SelectField meta={fields.classId} label="Share class" options={classes} />
          <Field meta={fields.shares} label="Number of shares" type="number" inputMode="numeric" />
          <button type="submit" disabled={!enabled}>Continue to card payment</button>
        </Form>
        <p className="muted">Your shares are issued when Stripe confirms the payment.</p>
      </section>
      <section className="card">
        <h2>Pay by bank transfer or cheque</h2>
        <p>Send the money to the society quoting your member number; the secretary records it and your shares appear here.</p>
      </section>
    </>
  );
}
