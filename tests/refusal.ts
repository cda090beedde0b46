import { Refusal } from "~/domain/refusal";

/** The message of the Refusal a promise rejects with; any other outcome fails the test. */
export async function refusalOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Refusal) return e.message;
    throw e;
  }
  throw new Error("expected a refusal");
}
