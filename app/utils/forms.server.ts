import { parseWithZod, unstable_coerceFormValue as coerceFormValue } from "@conform-to/zod";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import type { z } from "zod";
import { bodyLimits, MAX_FORM_BYTES, sizeText } from "./http.server";

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

/** The most fields a form post may carry (the longest form, a ranked ballot, has a few dozen). */
export const MAX_FORM_FIELDS = 1000;

/** A form that cannot be read: thrown as a Response, shown with its message on the error page. */
function refusal(status: 400 | 413 | 415, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * A form post's fields, for every action (ADR 0011): url-encoded, or
 * multipart read as it streams in by busboy, within the route's limits
 * (bodyLimits: a file only on an upload route, and no larger than its
 * limit; at most MAX_FORM_FIELDS fields, each within the form limit).
 * Anything else is refused with a message, never a 500: another content
 * type 415, a malformed body or a NUL character 400, a file over its limit
 * 413.
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  const base = type.split(";")[0].trim().toLowerCase();
  let form: FormData;
  if (base === "application/x-www-form-urlencoded") {
    form = new FormData();
    for (const [name, value] of new URLSearchParams(await request.text())) form.append(name, value);
  } else if (base === "multipart/form-data") {
    form = await readMultipart(request, type);
  } else {
    throw refusal(415, "This address takes HTML form posts only (application/x-www-form-urlencoded or multipart/form-data). Use the form on the page.");
  }
  for (const [name, value] of form) {
    const text = typeof value === "string" ? value : value.name;
    if (name.includes("\0") || text.includes("\0")) throw refusal(400, "The form held a NUL character, which no field takes. Type the values again in the form on the page.");
  }
  return form;
}

function readMultipart(request: Request, type: string): Promise<FormData> {
  const { maxBytes, maxFileBytes } = bodyLimits(new URL(request.url).pathname);
  const fieldBytes = Math.min(maxBytes, MAX_FORM_BYTES);
  return new Promise((resolve, reject) => {
    const form = new FormData();
    const files: Promise<void>[] = [];
    const input = request.body ? Readable.fromWeb(request.body as NodeReadableStream) : Readable.from([]);
    let failed = false;
    const fail = (error: Response) => {
      if (failed) return;
      failed = true;
      // The rest is read and dropped (within the body's limit), so the answer can go out on this connection.
      input.unpipe();
      input.on("error", () => {});
      input.resume();
      reject(error);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": type },
        limits: { fields: MAX_FORM_FIELDS, fieldSize: fieldBytes, files: maxFileBytes ? 1 : 0, fileSize: maxFileBytes, parts: MAX_FORM_FIELDS + 1 },
      });
    } catch {
      return reject(refusal(400, "The form's multipart body has no boundary and could not be read."));
    }
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return fail(refusal(413, `The field "${name.slice(0, 50)}" is longer than ${sizeText(fieldBytes)}.`));
      form.append(name, value);
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(refusal(413, `The file ${info.filename ?? ""} is larger than ${sizeText(maxFileBytes)} and was not accepted.`)));
      files.push(
        new Promise<void>((done) =>
          stream.on("close", () => {
            // A part without a file name is a file input left empty: sent as an empty file, as browsers do.
            if (!failed) form.append(name, new File(chunks as Uint8Array<ArrayBuffer>[], info.filename ?? "", { type: info.mimeType }));
            done();
          }),
        ),
      );
    });
    parser.on("filesLimit", () => fail(refusal(maxFileBytes ? 413 : 400, maxFileBytes ? "Send one file at a time." : "This form takes no files.")));
    parser.on("fieldsLimit", () => fail(refusal(413, `The form has more than ${MAX_FORM_FIELDS} fields.`)));
    parser.on("partsLimit", () => fail(refusal(413, `The form has more than ${MAX_FORM_FIELDS} fields.`)));
    parser.on("error", () => fail(refusal(400, "The form's multipart body could not be read.")));
    parser.on("close", () =>
      void Promise.all(files).then(() => {
        if (!failed) resolve(form);
      }),
    );
    input.on("error", () => fail(refusal(400, "The form's body did not arrive whole.")));
    input.pipe(parser);
  });
}
