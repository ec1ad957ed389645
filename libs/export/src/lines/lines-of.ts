/** Rows as text: one line per row, each ending in a line break. */
export function linesOf<R>(rows: R[], line: (row: R) => string): string {
  let text = '';
  for (const row of rows) text += `${line(row)}\n`;
  return text;
}
