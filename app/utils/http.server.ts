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
