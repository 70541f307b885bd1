/** Line-preserving redaction of a whole log at once (a private key spans lines). */

type Redactor = (text: string) => string;

/**
 * Redacts the lines as one text, so a secret spanning lines is seen whole, and splits the result
 * back: the redactor keeps every newline, so indexes (failure line, traceback) stay valid.
 */
export function redactLines(lines: readonly string[], redact: Redactor): string[] {
  if (lines.length === 0) return [];
  const joined = lines.join('\n');
  const red = redact(joined);
  if (red === joined) return [...lines];
  const out = red.split('\n');
  // A redactor that dropped or added line breaks: fall back to line by line rather than misalign.
  return out.length === lines.length ? out : lines.map((l) => redact(l));
}
