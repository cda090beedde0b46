/**
 * One refusal for the whole application: a rule said no, and the person can be
 * told why. `code` says what kind of no it is, so the web layer decides between
 * a form's error, a 404 and a 403 on it, never on the message's words.
 *
 * - "refused": the request breaks a rule; the message goes back to the form,
 *   beside `field` when it names one.
 * - "not-found": the record the request names does not exist (or is not this
 *   organisation's); the page answers 404.
 * - "forbidden": this person may not do it; the page answers 403.
 * - "conflict": the data is in a state that stops the request until someone puts
 *   it right (or another request got there first); 409 where there is no form.
 *
 * Two forms of the same thing: thrown (`Refusal`, from deep inside a
 * transaction, which it rolls back) and returned (`Refused`, the `{ ok: false }`
 * arm of a check's result). `toRefusal` turns the second into the first.
 */
export type RefusalCode = "not-found" | "forbidden" | "refused" | "conflict";

export class Refusal extends Error {
  constructor(
    message: string,
    readonly code: RefusalCode = "refused",
    readonly field?: string,
  ) {
    super(message);
    this.name = "Refusal";
  }
}

/** A rule refused the request; `field` names the form field it is about. */
export function refused(message: string, field?: string): Refusal {
  return new Refusal(message, "refused", field);
}

/** The record the request names does not exist (or is not this organisation's). */
export function notFound(message = "Not found"): Refusal {
  return new Refusal(message, "not-found");
}

/** This person may not do this. */
export function forbidden(message: string): Refusal {
  return new Refusal(message, "forbidden");
}

/** The data is in a state that stops the request. */
export function conflict(message: string, field?: string): Refusal {
  return new Refusal(message, "conflict", field);
}

export function isRefusal(value: unknown): value is Refusal {
  return value instanceof Refusal;
}

/**
 * A refusal returned as a result. `reason` is the message. `code` is there only
 * when it is not "refused" (the common case carries just `ok`, `reason` and
 * perhaps `field`), so a check's result reads the same as it always did.
 */
export type Refused = { ok: false; reason: string; field?: string; code?: Exclude<RefusalCode, "refused"> };

/** A returned refusal that always names its form field. */
export type FieldRefused = Refused & { field: string };

/** The `{ ok: false }` result of a refusal: `refusedResult("No such share class", "classId")`. */
export function refusedResult(reason: string, field?: string, code: RefusalCode = "refused"): Refused {
  return { ok: false, reason, ...(field === undefined ? {} : { field }), ...(code === "refused" ? {} : { code }) };
}

/** A returned refusal for a record that does not exist. */
export function notFoundResult(reason: string): Refused {
  return refusedResult(reason, undefined, "not-found");
}

/** The code of a returned refusal ("refused" when it carries none). */
export function refusedCode(result: Refused): RefusalCode {
  return result.code ?? "refused";
}

/** The thrown form of a returned refusal. */
export function toRefusal(result: Refused): Refusal {
  return new Refusal(result.reason, refusedCode(result), result.field);
}

/** The returned form of a thrown refusal. */
export function toRefused(refusal: Refusal): Refused {
  return refusedResult(refusal.message, refusal.field, refusal.code);
}
