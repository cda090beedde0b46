import { XMLParser, XMLValidator } from "fast-xml-parser";

/*
 * XML reading shared by the OFX and CAMT.053 readers: fast-xml-parser (ADR
 * 0017), every value kept as text (amounts and references are never turned
 * into numbers), namespace prefixes dropped, and the line each repeated
 * element starts on found by counting its opening tags in order.
 */

export type XmlNode = Record<string, unknown>;

export function xmlProblem(text: string): { line: number; reason: string } | null {
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (verdict === true) return null;
  return { line: verdict.err.line, reason: `the file is not well-formed XML: ${verdict.err.msg}` };
}

export function parseXml(text: string, arrays: readonly string[]): XmlNode {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => arrays.includes(name),
  });
  return parser.parse(text) as XmlNode;
}

/** The line (from 1) each opening <tag> starts on, in document order; any namespace prefix allowed. */
export function tagLines(text: string, tag: string): number[] {
  const lines: number[] = [];
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag}(?=[\\s>/])`, "g");
  let line = 1;
  let from = 0;
  for (const m of text.matchAll(re)) {
    for (let i = from; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    from = m.index;
    lines.push(line);
  }
  return lines;
}

/** A child's text: a plain value, or an element's "#text" when it has attributes. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object" && "#text" in (value as XmlNode)) return textOf((value as XmlNode)["#text"]);
  return undefined;
}

/** Follows a path of element names; undefined where any step is missing (the first of a repeated element). */
export function at(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const step of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as XmlNode)[step];
  }
  return cur;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
