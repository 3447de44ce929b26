/**
 * crictl's tables: Go tabwriter with minwidth 20, padding 3, spaces, no
 * borders; the last column is not padded. Every cell is made terminal-safe.
 */
import { safeCell } from './format';

const MIN_WIDTH = 20;
const PADDING = 3;

export function renderTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((r) => r.map((c) => safeCell(c)));
  const cols = Math.max(...all.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) {
    let w = 0;
    for (const r of all) if (r[c] !== undefined && r[c].length > w) w = r[c].length;
    widths.push(Math.max(MIN_WIDTH, w + PADDING));
  }
  const lines = all.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]) : cell)).join(''));
  return lines.join('\n') + '\n';
}
