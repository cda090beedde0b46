import type { IncomingMessage, ServerResponse } from "node:http";
import { type Readable, Transform } from "node:stream";
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

/*
 * Request bodies (ADR 0011). Every body is counted as its bytes arrive,
 * whatever its encoding (Content-Length or chunked) and content type, and
 * refused with 413 past the limit of its route: small for the pages anyone
 * may post to, 1 MB for forms, more for the few upload routes. Nothing is
 * read into memory past its limit, and a declared length over the limit is
 * refused before any of the body is read.
 */

/** The pages anyone may post to (log-in, join, password resets, invitations): their forms are a few short fields. */
export const PUBLIC_BODY_BYTES = 64 * 1024;
/** The largest HTML form post taken: the longest form field (a meeting's minutes) is 100,000 characters. */
export const MAX_FORM_BYTES = 1024 * 1024;
/** Room for an upload's other fields and multipart headers, above its file limit. */
const UPLOAD_OVERHEAD_BYTES = 64 * 1024;

const MB = 1024 * 1024;
/** The upload routes and the largest file each takes: a register of 100,000 members as CSV is about 15 MB. */
export const UPLOADS: readonly { path: RegExp; maxFileBytes: number }[] = [
  { path: /^\/import\/?$/, maxFileBytes: 50 * MB },
  { path: /^\/procurement\/[^/]+\/?$/, maxFileBytes: 20 * MB },
  { path: /^\/documents\/upload\/?$/, maxFileBytes: 5 * MB },
  { path: /^\/treasury\/accounts\/[^/]+\/?$/, maxFileBytes: 20 * MB },
];
const PUBLIC_POSTS = /^\/(login|forgot-password|join\/[^/]+|reset-password\/[^/]+|invitation\/[^/]+)\/?$/;

/** What a route's request body may hold: its byte limit, and the largest file (0: no files). */
export function bodyLimits(requestPath: string): { maxBytes: number; maxFileBytes: number } {
  // A form submitted by the page's script (Remix single fetch) posts to the same path + ".data" ("/_root.data" for "/").
  const path = requestPath === "/_root.data" ? "/" : requestPath.replace(/\.data$/, "");
  const upload = UPLOADS.find((u) => u.path.test(path));
  if (upload) return { maxBytes: upload.maxFileBytes + UPLOAD_OVERHEAD_BYTES, maxFileBytes: upload.maxFileBytes };
  return { maxBytes: PUBLIC_POSTS.test(path) ? PUBLIC_BODY_BYTES : MAX_FORM_BYTES, maxFileBytes: 0 };
}

/** "64 KB", "1 MB", "5 MB". */
export function sizeText(bytes: number): string {
  return bytes >= MB ? `${Math.floor(bytes / MB)} MB` : `${Math.floor(bytes / 1024)} KB`;
}

/** A request body over its limit: answered 413, never read into memory whole. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`What you sent is larger than ${sizeText(limit)} and was not accepted.`);
  }
}

/** The content types a form route takes: an HTML form's (url-encoded or multipart). Webhooks take their own. */
export function isFormContentType(type: string | undefined): boolean {
  const base = (type ?? "").split(";")[0].trim().toLowerCase();
  return base === "application/x-www-form-urlencoded" || base === "multipart/form-data";
}

const limits = new WeakMap<IncomingMessage, { maxBytes: number; res: ServerResponse }>();
const bodies = new WeakMap<IncomingMessage, Readable>();
const refusals = new WeakMap<IncomingMessage, BodyTooLargeError>();

/**
 * Sets the request's body limit, or answers why the request cannot be
 * taken: a NUL character in its address (400), a declared length over the
 * limit (413), or, on a route other than a webhook, a body that is not a
 * form's (415).
 */
export function checkRequestBody(req: IncomingMessage, res: ServerResponse, path: string): { status: 400 | 413 | 415; message: string } | null {
  const { maxBytes } = bodyLimits(path);
  limits.set(req, { maxBytes, res });
  // No field, path or search takes a NUL character (nor can PostgreSQL store one in text): refused here for every address.
  if (/%00/.test(req.url ?? "")) return { status: 400, message: "The address held a NUL character (%00), which no page takes." };
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return null;
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) return { status: 413, message: new BodyTooLargeError(maxBytes).message };
  if (!path.startsWith("/webhooks/") && !isFormContentType(req.headers["content-type"])) {
    return { status: 415, message: "This address takes HTML form posts only (application/x-www-form-urlencoded or multipart/form-data). Use the form on the page." };
  }
  return null;
}

/**
 * The request's body as a stream that counts its bytes as they arrive and
 * fails with BodyTooLargeError past the request's limit; the rest of the
 * body is left unread until the answer is out, then dropped as the
 * connection closes (see closeAfterAnswer). Made once per request.
 */
export function requestBody(req: IncomingMessage): Readable {
  const made = bodies.get(req);
  if (made) return made;
  const limit = limits.get(req)?.maxBytes ?? MAX_FORM_BYTES;
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size <= limit) return done(null, chunk);
      const refused = new BodyTooLargeError(limit);
      refusals.set(req, refused);
      // The rest waits unread (the sender held back by TCP) until the refusal is answered; then it is dropped.
      req.unpipe(counted);
      req.pause();
      const res = limits.get(req)?.res;
      if (res) closeAfterAnswer(req, res);
      done(refused);
    },
  });
  req.on("error", (error) => counted.destroy(error));
  req.pipe(counted);
  bodies.set(req, counted);
  return counted;
}

/**
 * For a request whose body is refused unread: once the answer is out, the
 * connection is half-closed while what the client is still sending is read
 * and dropped (so it sees the answer, not a reset), then closed after two
 * seconds at most. Nothing of the body is kept.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse) {
  const close = () => {
    if (req.complete || req.socket.destroyed) return;
    req.resume();
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 2000).unref();
  };
  if (res.writableFinished) close();
  else res.once("finish", close);
}

/** The refusal, if the request's body went over its limit while it was being read. */
export function bodyRefusal(req: IncomingMessage): BodyTooLargeError | undefined {
  return refusals.get(req);
}

const formBodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/** A form post's body, read once (within its limit) and kept for Remix should the ballot box pass the request on. */
export function readFormBody(req: IncomingMessage): Promise<Buffer> {
  let body = formBodies.get(req);
  if (!body) {
    body = new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const stream = requestBody(req);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      stream.on("error", reject);
    });
    formBodies.set(req, body);
  }
  return body;
}
