/**
 * Plain-text findings for the terminal, printed under a value:
 *
 * ```
 * error    target-out-of-range [target, rows 0, 2]
 *          target has 2 values outside [0, 3) that are not ignore_index=-100 (e.g. 3 at row 0).
 *          fix: Use class indices in [0, 3); …
 * ```
 */
import type { Finding } from '../engine/diagnostics';

const LABEL_WIDTH = 9;

/** The findings as indented text blocks, one per finding, no trailing newline ('' for none). */
export function formatFindings(findings: readonly Finding[]): string {
  const pad = ' '.repeat(LABEL_WIDTH);
  return findings
    .map((f) => {
      const where: string[] = [];
      if (f.arg !== undefined) where.push(f.arg);
      if (f.rows && f.rows.length > 0) where.push(`${f.rows.length === 1 ? 'row' : 'rows'} ${f.rows.join(', ')}`);
      const head = `${f.severity.padEnd(LABEL_WIDTH)}${f.id}${where.length ? ` [${where.join(', ')}]` : ''}`;
      return `${head}\n${pad}${f.message}\n${pad}fix: ${f.fix}`;
    })
    .join('\n');
}
