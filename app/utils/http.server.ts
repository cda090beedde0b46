import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import { pooledRandomBytes } from "./tokens.server";

/**
 * Cross-site request forgery: every request that changes something must
 * come from a page of this site. Browsers send Origin on POST (and
 * Sec-Fetch-Site); a request without either is refused too, since only
 * scripts omit both. Signed webhooks are the one exception: their
 * signature, not the origin, is their proof.
 */
export function isSameOriginRequest(method: string, path: string, headers: Record<string, string | string[] | undefined>, ownOrigins: readonly string[]): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return true;
  if (path.startsWith("/webhooks/")) return true;
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const site = one("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = one("origin");
  if (origin) return ownOrigins.includes(origin);
  const referer = one("referer");
  if (referer) {
    try {
      return ownOrigins.includes(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * The client's address: the socket's, or behind `hops` proxies of our own
 * (TRUST_PROXY), the X-Forwarded-For entry that the outermost of them
 * added. Entries further left were written by the client and could say
 * anything, so they are never used (proxy-addr walks the list from the right).
 */
export function clientAddress(req: Pick<IncomingMessage, "headers" | "socket">, hops: number): string {
  if (!req.socket.remoteAddress) return "unknown";
  return proxyAddr(req as IncomingMessage, (_address, i) => i < hops);
}

/** A CSP nonce: 16 random bytes, base64, used once. */
export function newNonce() {
  return pooledRandomBytes(16).toString("base64");
}

/** Security headers for every response (OWASP ASVS 14.4). Scripts run only with the per-request nonce. */
export function securityHeaders(nonce: string, secure: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // Chart libraries set style attributes; styles cannot run code.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self' https://checkout.stripe.com",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join("; "),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (secure) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/** The path of a request's URL, without its query string. */
export function pathOf(url: string | undefined): string {
  if (!url) return "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** Whether a request's body is an HTML form's (application/x-www-form-urlencoded, whatever its parameters). */
export function isFormPost(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (!type) return false;
  const semicolon = type.indexOf(";");
  return (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase() === "application/x-www-form-urlencoded";
}

const formBodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/** The largest HTML form post taken: the longest form field (a meeting's minutes) is 100,000 characters. */
export const MAX_FORM_BYTES = 1024 * 1024;
/** The largest upload (multipart): a register of 100,000 members as CSV is about 15 MB. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** A request body over its limit: answered 413, never read into memory whole. */
export class FormTooLargeError extends Error {
  constructor(limit = MAX_FORM_BYTES) {
    super(`This ${limit === MAX_FORM_BYTES ? "form" : "upload"} is larger than ${limit / 1024 / 1024} MB and was not accepted.`);
  }
}

/** The refusal for a body whose declared length is over its limit (a form's or an upload's), or null. */
export function declaredTooLarge(req: IncomingMessage): FormTooLargeError | null {
  const limit = isFormPost(req) ? MAX_FORM_BYTES : MAX_UPLOAD_BYTES;
  return Number(req.headers["content-length"] ?? 0) > limit ? new FormTooLargeError(limit) : null;
}

/** A form post's body, read once and kept for Remix should the ballot box pass the request on. */
export function readFormBody(req: IncomingMessage): Promise<Buffer> {
  let body = formBodies.get(req);
  if (!body) {
    body = new Promise((resolve, reject) => {
      const tooLarge = () => {
        // The rest is read and dropped, so the refusal can still be answered on this connection.
        req.removeAllListeners("data");
        req.resume();
        reject(new FormTooLargeError());
      };
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_FORM_BYTES) return tooLarge();
        chunks.push(chunk);
      });
      req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      req.on("error", reject);
    });
    formBodies.set(req, body);
  }
  return body;
}
