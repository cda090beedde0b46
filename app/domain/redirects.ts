/**
 * Where a user may be sent after log-in (or after switching organisation):
 * only a path on this site. The address comes from the query string, so an
 * attacker writes it; browsers and URL parsers forgive a great deal (they
 * drop tabs and newlines, read a backslash as a slash, accept "//host" as
 * another site), so anything that could be read as more than a plain path
 * is refused and the fallback is used instead:
 *
 * - it must start with a single "/" (not "//", not "/\");
 * - no control characters (C0, DEL, C1) and no backslash, in the text as
 *   given or in any percent-decoding of it (so %09, %0A, %5C, %2F%2F and
 *   double-encoded forms such as %252F are caught too); malformed
 *   percent-encoding is refused;
 * - no decoding of it may start with "//";
 * - resolved against any origin it must stay on that origin.
 *
 * The path is returned as given, except that spaces and non-ASCII letters
 * are percent-encoded: a Location header holding anything else is invalid
 * (and was a 500 after the session had been created).
 */
/** A control character (C0, DEL or C1) or a backslash anywhere in the text. */
export function hasControlOrBackslash(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c) return true;
  }
  return false;
}
const MAX_DECODINGS = 4;
const MAX_LENGTH = 2000;

export function isSafeRedirectPath(to: string): boolean {
  if (to.length === 0 || to.length > MAX_LENGTH) return false;
  if (!to.startsWith("/")) return false;
  let text = to;
  for (let i = 0; i <= MAX_DECODINGS; i++) {
    if (hasControlOrBackslash(text)) return false;
    if (text.startsWith("//") || /^\/\s*\//.test(text)) return false;
    if (!text.includes("%")) break;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return false;
    }
    if (decoded === text) break;
    if (i === MAX_DECODINGS) return false; // encoded more deeply than any real link is
    text = decoded;
  }
  // Belt and braces: what a URL parser makes of it must stay on the same origin.
  const base = "https://same-site.invalid";
  try {
    return new URL(to, base).origin === base;
  } catch {
    return false;
  }
}

/** The path when it is safe (as header-safe ASCII), else the fallback. */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !isSafeRedirectPath(to)) return fallback;
  try {
    return to.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return fallback; // a lone surrogate: not text any link holds
  }
}
