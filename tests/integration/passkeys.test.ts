/**
 * Passkeys over HTTP, with a software authenticator made here: an ES256 key
 * pair, "none" attestation, and signatures over the server's challenges, as
 * a browser's WebAuthn would send them (@simplewebauthn/browser's JSON).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";
import { describe, expect, it } from "vitest";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

const b64url = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash("sha256").update(data).digest());
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

class SoftwareAuthenticator {
  readonly credentialId = new Uint8Array(randomBytes(16));
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  private counter = 0;
  constructor(private readonly origin: string) {}

  private get rpIdHash() {
    return sha256(new URL(this.origin).hostname);
  }

  register(options: { challenge: string }) {
    const jwk = this.keys.publicKey.export({ format: "jwk" });
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, isoBase64URL.toBuffer(jwk.x!)], [-3, isoBase64URL.toBuffer(jwk.y!)]]));
    const authData = concat(this.rpIdHash, new Uint8Array([0x45]), u32(this.counter), new Uint8Array(16), new Uint8Array([0, this.credentialId.length]), this.credentialId, cose);
    const attestation = new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]);
    const attestationObject = isoCBOR.encode(attestation as Parameters<typeof isoCBOR.encode>[0]);
    const clientDataJSON = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin: this.origin, crossOrigin: false });
    const id = b64url(this.credentialId);
    return { id, rawId: id, type: "public-key", response: { clientDataJSON: b64url(new TextEncoder().encode(clientDataJSON)), attestationObject: b64url(attestationObject), transports: ["internal"] }, clientExtensionResults: {} };
  }

  signIn(options: { challenge: string }, privateKey: KeyObject = this.keys.privateKey) {
    this.counter += 1;
    const authData = concat(this.rpIdHash, new Uint8Array([0x05]), u32(this.counter));
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const signature = new Uint8Array(sign("sha256", concat(authData, sha256(clientDataJSON)), privateKey));
    const id = b64url(this.credentialId);
    return { id, rawId: id, type: "public-key", response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) }, clientExtensionResults: {} };
  }
}

async function json(res: Response) {
  expect(res.status).toBe(200);
  return (await res.json()) as { challenge: string; allowCredentials?: { id: string }[] };
}

describe("passkeys", () => {
  it("adds a passkey (with recovery codes when there were none), then logs in with it as the second step", async () => {
    const org = await makeOrganisation(t.db);
    const user = await makeUser(t.db, { organisationId: org.id, roles: ["loan_officer"] });
    const authenticator = new SoftwareAuthenticator(t.server.base);
    const b = new Browser(t.server.base);
    await b.login(user.email, user.password);
    const created = authenticator.register(await json(await b.post("/account/passkey-options")));
    const added = await (await b.post("/account/two-factor", { intent: "passkey", response: JSON.stringify(created) })).text();
    expect(added).toContain("Passkey added");
    expect(added.match(/<code>[a-z2-7]{5}-[a-z2-7]{5}<\/code>/g)).toHaveLength(10);
    expect(await t.db.selectFrom("user_passkeys").select("id").where("user_id", "=", user.id).execute()).toEqual([{ id: created.id }]);

    // Log-in now asks for the second step; the passkey answers it.
    const next = new Browser(t.server.base);
    const res = await next.post("/login", { email: user.email, password: user.password, redirectTo: "/loans" });
    expect(res.headers.get("location")).toBe("/login/two-factor");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("login_challenge="))!.split(";")[0];
    expect((await next.get("/login/two-factor", { Cookie: cookie })).status).toBe(200);
    const options = await json(await next.post("/login/passkey-options", {}, { Cookie: cookie }));
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([created.id]);
    const answer = authenticator.signIn(options);
    const done = await next.post("/login/two-factor", { intent: "passkey", response: JSON.stringify(answer) }, { Cookie: cookie });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/loans");
  });

  it("refuses a replayed answer and a signature by another key", async () => {
    const org = await makeOrganisation(t.db);
    const user = await makeUser(t.db, { organisationId: org.id, roles: ["board"] });
    const authenticator = new SoftwareAuthenticator(t.server.base);
    const b = new Browser(t.server.base);
    await b.login(user.email, user.password);
    await b.post("/account/two-factor", { intent: "passkey", response: JSON.stringify(authenticator.register(await json(await b.post("/account/passkey-options")))) });

    const startLogin = async () => {
      const res = await new Browser(t.server.base).post("/login", { email: user.email, password: user.password });
      return res.headers.getSetCookie().find((c) => c.startsWith("login_challenge="))!.split(";")[0];
    };
    const first = await startLogin();
    const answer = authenticator.signIn(await json(await b.post("/login/passkey-options", {}, { Cookie: first })));
    // The same answer against a new challenge: refused.
    const second = await startLogin();
    await b.post("/login/passkey-options", {}, { Cookie: second });
    expect(await (await b.post("/login/two-factor", { intent: "passkey", response: JSON.stringify(answer) }, { Cookie: second })).text()).toContain("That passkey was not accepted");
    // Signed by a key the server does not know: refused.
    const third = await startLogin();
    const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const forged = authenticator.signIn(await json(await b.post("/login/passkey-options", {}, { Cookie: third })), stranger);
    expect(await (await b.post("/login/two-factor", { intent: "passkey", response: JSON.stringify(forged) }, { Cookie: third })).text()).toContain("That passkey was not accepted");
  });
});
