import { data } from "@remix-run/node";
import { Refusal, toRefusal, type Refused } from "~/domain/refusal";

/**
 * Refusals (app/domain/refusal.ts) turned into what a page answers. The one
 * place that decides between a form's error, a 404 and a 403: on the
 * refusal's `code`, never on its message.
 */

/** A 404 answer; its body is the message (resource routes such as a CSV show it as is). */
export function notFoundResponse(message = "Not found"): Response {
  return new Response(message, { status: 404 });
}

/** The value, or a 404 when there is none: `const loan = orNotFound(await getLoan(...), "No such loan")`. */
export function orNotFound<T>(value: T | null | undefined, message = "Not found"): T {
  if (value === null || value === undefined) throw notFoundResponse(message);
  return value;
}

/** The answer for a refusal that has no form to go back to: 404, 403, 409, or 400 for a plain refusal. */
export function refusalResponse(refusal: Refusal): Response {
  switch (refusal.code) {
    case "not-found":
      return notFoundResponse(refusal.message);
    case "forbidden":
      // The shape `requirePermission` answers with, so the error page shows the message.
      return data({ message: refusal.message }, { status: 403 }) as unknown as Response;
    case "conflict":
      return new Response(refusal.message, { status: 409 });
    case "refused":
      return new Response(refusal.message, { status: 400 });
  }
}

/** A thrown `Refusal` or a returned `{ ok: false }`, as a `Refusal`; anything else is not a refusal. */
function asRefusal(error: unknown): Refusal | null {
  if (error instanceof Refusal) return error;
  if (typeof error === "object" && error !== null && (error as { ok?: unknown }).ok === false && typeof (error as { reason?: unknown }).reason === "string") {
    return toRefusal(error as Refused);
  }
  return null;
}

/**
 * Rethrow anything that is not a refusal; throw the 404 or 403 of a refusal
 * that is one; hand back a refusal that goes to the form.
 */
export function formRefusal(error: unknown): Refusal {
  const refusal = asRefusal(error);
  if (!refusal) throw error;
  if (refusal.code === "not-found" || refusal.code === "forbidden") throw refusalResponse(refusal);
  return refusal;
}

interface Replies<Result> {
  reply(options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }): Result;
}

/**
 * Where a refusal's message is shown on the form: beside its own field when it
 * names one (the default), always among the form's errors ("form"), or always
 * beside one field (`{ field }`, for a form with one input that every refusal is about).
 */
export type RefusalPlacement = "own-field" | "form" | { field: string };

/**
 * The form's answer to a refusal, caught or returned: `submission.reply` with
 * the message as a field or form error; a 404 or 403 thrown for a refusal with
 * that code; anything that is not a refusal rethrown.
 *
 *     } catch (error) {
 *       return replyRefusal(submission, error);
 *     }
 */
export function replyRefusal<Result>(submission: Replies<Result>, error: unknown, placement: RefusalPlacement = "own-field"): Result {
  const refusal = formRefusal(error);
  const field = placement === "form" ? undefined : placement === "own-field" ? refusal.field : placement.field;
  return submission.reply(field ? { fieldErrors: { [field]: [refusal.message] } } : { formErrors: [refusal.message] });
}

/**
 * A member's own form (transfer, withdraw) posted from a log-in that is not
 * linked to a member on the register: nothing to act for, said on the form.
 */
export function replyNotLinked<Result>(submission: Replies<Result>): Result {
  return submission.reply({ formErrors: ["Your log-in is not linked to a member of this society."] });
}
