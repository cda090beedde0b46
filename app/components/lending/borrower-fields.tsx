import type { FieldMetadata } from "@conform-to/react";
import { CheckboxGroup, Field, SelectField, TextAreaField } from "~/components/forms";
import { BORROWER_LEGAL_FORMS, OWNERSHIP } from "~/schemas/lending";

/** The borrower's fields, as adding and changing a borrower both ask for them (BorrowerSchema). */
export function BorrowerFields({ fields }: { fields: Record<string, FieldMetadata<any>> }) {
  return (
    <>
      <Field meta={fields.legalName} label="Legal name" />
      <SelectField meta={fields.legalForm} label="Legal form" options={BORROWER_LEGAL_FORMS} />
      <Field meta={fields.sicCode} label="Sector (UK SIC 2007 code)" inputMode="numeric" hint="Five digits, e.g. 10710 for a bakery, 56101 for a restaurant." />
      <TextAreaField meta={fields.address} label="Address" />
      <Field meta={fields.postcode} label="Postcode" hint="Whether the borrower is local follows from the organisation's local area." />
      <Field meta={fields.employees} label="Employees now" type="number" inputMode="numeric" />
      <Field meta={fields.jobsToCreate} label="Jobs the loan will create" type="number" inputMode="numeric" />
      <Field meta={fields.jobsToSafeguard} label="Jobs the loan will safeguard" type="number" inputMode="numeric" />
      <CheckboxGroup meta={fields.ownership as never} legend="Ownership" options={OWNERSHIP} />
      <Field meta={fields.contactName} label="Contact name" />
      <Field meta={fields.contactEmail} label="Contact email" type="email" hint="Offers and reminders go here." />
      <Field meta={fields.contactPhone} label="Contact phone" type="tel" />
      <Field meta={fields.memberNumber} label="Member number (if the borrower is a member)" type="number" inputMode="numeric" hint="Links the borrower to the register, so the member sees the loan under My loans." />
    </>
  );
}
