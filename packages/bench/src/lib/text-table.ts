// Renders a result table as aligned plain text; cells that look numeric ("1,234", "0.75×", "12.5 (3)") are right-aligned.
import type { ResultTable } from '../scenario';

const NUMERIC = /^[\d.,]+×?( \([\d.,]+\))?$/;

export function renderTable(table: ResultTable): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (NUMERIC.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    table.title,
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.rows.map(line),
    ...table.notes.map((n) => `  ${n}`),
  ].join('\n');
}
