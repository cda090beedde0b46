import { parseWithZod, unstable_coerceFormValue as coerceFormValue } from "@conform-to/zod";
import type { z } from "zod";

/*
 * Conform turns a zod schema into one that reads form values (empty string
 * -> undefined, "12" -> 12) on every call, rebuilding that schema each time.
 * On the server the schemas are fixed, so each is converted once and kept:
 * the same parse, without rebuilding a schema on every request.
 */
const coerced = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

function formSchema<Schema extends z.ZodTypeAny>(schema: Schema): Schema {
  let found = coerced.get(schema);
  if (!found) {
    found = coerceFormValue(schema) as z.ZodTypeAny;
    coerced.set(schema, found);
  }
  return found as Schema;
}

/** What parseWithZod returns, for the same form data and schema. One schema per form, shared with the page. */
export function parseForm<Schema extends z.ZodTypeAny>(payload: FormData | URLSearchParams, options: { schema: Schema }) {
  return parseWithZod(payload, { schema: formSchema(options.schema), disableAutoCoercion: true });
}
