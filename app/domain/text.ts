/** The lines of a text box with something on them, trimmed (candidates, agenda items, documents). */
export function nonEmptyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
