/**
 * Computations a hover offers to open in the panel. Tensors do not fit in a `command:` URI, so the
 * hover stores the request here and its link carries only the id; `lossLens.showHoverResult`
 * resolves it. The newest {@link MAX_RESULTS} are kept.
 */
import type { ShowReportRequest } from '../commands/lossActions';

/** How many hover results are remembered. */
export const MAX_RESULTS = 32;

const results = new Map<string, ShowReportRequest>();
let next = 0;

/** Stores a request and returns its id. */
export function rememberHoverResult(request: ShowReportRequest): string {
  const id = `h${++next}`;
  results.set(id, request);
  while (results.size > MAX_RESULTS) results.delete(results.keys().next().value as string);
  return id;
}

/** The request stored under `id`, if it is still remembered. */
export function hoverResult(id: string): ShowReportRequest | undefined {
  return results.get(id);
}
