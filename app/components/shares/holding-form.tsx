import { useForm, type DefaultValue, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ReactNode } from "react";
import type { z, ZodTypeAny } from "zod";
import { PageHead } from "~/components/ui";

/** A member's own form about one of their holdings (withdraw, transfer): the share class is chosen first. */
export function useHoldingForm<Schema extends ZodTypeAny>(schema: Schema, lastResult: SubmissionResult<string[]> | undefined, classes: readonly (readonly [string, string])[]) {
  return useForm<z.input<Schema>, z.output<Schema>, string[]>({
    lastResult,
    defaultValue: { classId: classes[0]?.[0] } as DefaultValue<z.input<Schema>>,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
}

/** The page around such a form: a log-in not linked to the register, no holding to act on, or the form. */
export function HoldingFormPage({ title, linked, nothingToDo, children }: { title: string; linked: boolean; nothingToDo: string | null; children: ReactNode }) {
  return (
    <>
      <PageHead title={title} />
      {!linked ? <p>Your log-in is not linked to a member of this society.</p> : nothingToDo ? <p>{nothingToDo}</p> : <section className="card">{children}</section>}
    </>
  );
}
