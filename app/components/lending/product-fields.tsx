import type { FieldMetadata } from "@conform-to/react";
import { Field, SelectField } from "~/components/forms";
import { useMoneyStyle } from "~/components/money";
import { currencySign, displayMoney } from "~/domain/money";
import { FREQUENCIES } from "~/schemas/lending";

const AMORT = [["equal-installments", "Equal installments"], ["equal-principal", "Equal principal"]] as const;
const INTEREST = [["declining", "On the reducing balance"], ["flat", "Flat"]] as const;
const DIY = [["360", "360 days"], ["365", "365 days"], ["actual", "Actual days"]] as const;
const DIM = [["30", "30-day months"], ["actual", "Actual days"]] as const;

/** A loan product's fields, as adding and changing a product both ask for them (ProductSchema). */
export function ProductFields({ fields }: { fields: Record<string, FieldMetadata<any>> }) {
  const style = useMoneyStyle();
  const sign = currencySign(style);
  return (
    <>
      <Field meta={fields.name} label="Name" />
      <SelectField meta={fields.amortization} label="Repaid in" options={AMORT} />
      <SelectField meta={fields.interestMethod} label="Interest" options={INTEREST} />
      <Field meta={fields.annualRate} label="Usual rate (% a year)" inputMode="decimal" />
      <Field meta={fields.minRate} label="Lowest rate (% a year)" inputMode="decimal" />
      <Field meta={fields.maxRate} label="Highest rate (% a year)" inputMode="decimal" />
      <Field meta={fields.minPrincipal} label={`Smallest amount (${sign})`} inputMode="decimal" />
      <Field meta={fields.maxPrincipal} label={`Largest amount (${sign})`} inputMode="decimal" />
      <SelectField meta={fields.frequency} label="Repayments" options={FREQUENCIES} />
      <Field meta={fields.minTerm} label="Fewest installments" type="number" inputMode="numeric" />
      <Field meta={fields.maxTerm} label="Most installments" type="number" inputMode="numeric" />
      <SelectField meta={fields.daysInYear} label="Days in the year" options={DIY} />
      <SelectField meta={fields.daysInMonth} label="Days in the month" options={DIM} />
      <Field meta={fields.installmentMultiple} label={`Round installments to a multiple of (${sign})`} inputMode="decimal" hint={`0.01 rounds to ${displayMoney(1n, style)}, 1 to ${displayMoney(1n, style, 0)}.`} />
      <Field meta={fields.graceOnPrincipal} label="Grace on principal (installments)" type="number" inputMode="numeric" />
      <Field meta={fields.graceOnInterest} label="Grace on interest (installments)" type="number" inputMode="numeric" />
      <Field meta={fields.arrangementFee} label={`Arrangement fee (${sign})`} inputMode="decimal" hint="Taken from the amount paid out; it counts in the APR." />
    </>
  );
}
