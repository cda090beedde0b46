import { describe, expect, it } from "vitest";
import { parseForm } from "~/utils/forms.server";
import { ProxySchema } from "./governance";

describe("ProxySchema", () => {
  it("reads 'Proxy decides' (an empty instruction) as no instruction, and keeps the others", () => {
    const form = new FormData();
    form.set("intent", "appoint");
    form.set("holder", "chair");
    form.set("instructions.11111111-1111-4111-8111-111111111111", "");
    form.set("instructions.22222222-2222-4222-8222-222222222222", "against");
    const submission = parseForm(form, { schema: ProxySchema });
    expect(submission.status).toBe("success");
    if (submission.status !== "success" || submission.value.intent !== "appoint") throw new Error("not parsed");
    expect(submission.value.instructions).toEqual({ "22222222-2222-4222-8222-222222222222": "against" });
  });

  it("still refuses an instruction that is not for, against or abstain", () => {
    const form = new FormData();
    form.set("intent", "appoint");
    form.set("holder", "chair");
    form.set("instructions.11111111-1111-4111-8111-111111111111", "maybe");
    expect(parseForm(form, { schema: ProxySchema }).status).toBe("error");
  });
});
