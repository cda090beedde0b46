import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { formatIban, formatSortCode, normaliseIban, normaliseSortCode } from "~/domain/treasury/payments-in";
import { createBankAccount, listBankAccounts, setPaymentsIn } from "~/models/treasury/statements.server";
import { BankAccountSchema, CURRENCIES, PaymentsInSchema } from "~/schemas/treasury";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "treasury:read", action: "treasury:manage" };
export const meta: MetaFunction = () => [{ title: "Bank accounts · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:read");
  const accounts = await listBankAccounts(await getDb(), ctx.organisation.id);
  return {
    accounts: accounts.map((a) => ({
      id: a.id, name: a.name, bank: a.bank_name, currency: a.currency, paymentsIn: a.payments_in,
      details: [a.sort_code ? `${formatSortCode(a.sort_code)} ${a.account_number}` : null, a.iban ? formatIban(a.iban) : null].filter(Boolean).join(" · "),
    })),
    canManage: ctx.permissions.has("treasury:manage"),
    currency: ctx.organisation.currency,
    flash: new URL(request.url).searchParams.has("saved") ? "Saved." : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:manage");
  const form = await readForm(request);
  const db = await getDb();
  if (form.get("intent") === "payments-in") {
    const submission = parseForm(form, { schema: PaymentsInSchema });
    if (submission.status !== "success") return submission.reply();
    const done = await db.transaction().execute((trx) => setPaymentsIn(trx, ctx.organisation.id, ctx.user.id, submission.value.bankAccountId));
    if (!done) return submission.reply({ formErrors: ["There is no such bank account."] });
    return redirect("/treasury?saved");
  }
  const submission = parseForm(form, { schema: BankAccountSchema });
  if (submission.status !== "success") return submission.reply();
  const v = submission.value;
  const id = await db.transaction().execute((trx) =>
    createBankAccount(trx, ctx.organisation.id, ctx.user.id, {
      name: v.name, bankName: v.bankName ?? "", accountHolder: v.accountHolder ?? "", sortCode: v.sortCode ? normaliseSortCode(v.sortCode) : null,
      accountNumber: v.accountNumber ? v.accountNumber.replace(/\s/g, "") : null, iban: v.iban ? normaliseIban(v.iban) : null, bic: v.bic ? v.bic.toUpperCase() : null,
      currency: v.currency, paymentsIn: v.paymentsIn,
    }),
  );
  return redirect(`/treasury/accounts/${id}`);
}

export default function Treasury() {
  const { accounts, canManage, currency, flash } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { intent: "create", currency }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: BankAccountSchema }) });
  return (
    <>
      <PageHead title="Bank accounts" />
      <Flash message={flash} />
      <p>Import each account&apos;s bank statements here (CSV, OFX/QFX or CAMT.053). The account marked for payments in is the one members and borrowers are told to pay into, with their own reference.</p>
      {accounts.length ? (
        <TableWrap label="Bank accounts">
          <table>
            <thead><tr><th scope="col">Account</th><th scope="col">Bank</th><th scope="col">Details</th><th scope="col">Currency</th><th scope="col">Payments in</th></tr></thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id}>
                  <td><Link to={`/treasury/accounts/${a.id}`}>{a.name}</Link></td>
                  <td>{a.bank}</td>
                  <td>{a.details}</td>
                  <td>{a.currency}</td>
                  <td>
                    {a.paymentsIn ? "Members and borrowers pay into this account" : canManage ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="payments-in" />
                        <input type="hidden" name="bankAccountId" value={a.id} />
                        <button type="submit" className="secondary">Use for payments in</button>
                      </Form>
                    ) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : <p>No bank accounts yet.</p>}
      {canManage ? (
        <section className="card">
          <h2>Add a bank account</h2>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <input {...getInputProps(fields.intent, { type: "hidden" })} key={fields.intent.key} />
            <Field meta={fields.name} label="Name" hint="As you call it, e.g. Current account, Loan fund." />
            <Field meta={fields.bankName} label="Bank" />
            <Field meta={fields.accountHolder} label="Account name" hint="The name on the account, which payers type as the payee." />
            <Field meta={fields.sortCode} label="Sort code" inputMode="numeric" />
            <Field meta={fields.accountNumber} label="Account number" inputMode="numeric" />
            <Field meta={fields.iban} label="IBAN (if any)" />
            <Field meta={fields.bic} label="BIC (if any)" />
            <SelectField meta={fields.currency} label="Currency" options={CURRENCIES} />
            <div className="field checkbox">
              <input {...getInputProps(fields.paymentsIn, { type: "checkbox" })} key={fields.paymentsIn.key} />
              <label htmlFor={fields.paymentsIn.id}>Members and borrowers pay into this account</label>
            </div>
            <button type="submit">Add bank account</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
