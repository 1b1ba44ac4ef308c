/**
 * What a revived panel shows: the webview's saved state (`setState`, handed to the serializer by
 * VS Code after a reload) as a report request for the host, so the host holds the report again
 * (exports, large-report recomputes) and the webview gets it in `init` with its row and controls.
 * Pure: no `vscode`.
 */
import type { ArgValue } from '../../engine/op';
import { registry } from '../../engine/registry';
import type { ViewState } from '../../shared/protocol';
import type { ReportControls, ReportInputs } from '../../shared/report';
import { fromJsonSafe } from '../../shared/wire';

/** A report request rebuilt from a saved state. */
export interface SavedReportRequest {
  readonly op: string;
  readonly args: Record<string, ArgValue>;
  readonly title?: string;
  readonly source?: string;
  readonly row: number;
  readonly controls?: Partial<ReportControls>;
}

/**
 * The report a saved state holds, or undefined when it holds none (a report too large to keep in
 * the state, a state from another version, or no state at all). Never throws.
 */
export function requestFromSavedState(state: unknown): SavedReportRequest | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Partial<ViewState>;
  if (typeof s.inputs !== 'object' || s.inputs === null) return undefined;
  let inputs: ReportInputs;
  try {
    inputs = fromJsonSafe<ReportInputs>(s.inputs);
  } catch {
    return undefined;
  }
  if (typeof inputs.op !== 'string' || !registry.has(inputs.op) || typeof inputs.args !== 'object' || inputs.args === null) return undefined;
  const row = typeof s.row === 'number' && Number.isInteger(s.row) && s.row >= 0 ? s.row : 0;
  const controls = typeof s.controls === 'object' && s.controls !== null ? s.controls : undefined;
  return {
    op: inputs.op,
    args: { ...inputs.args },
    ...(typeof inputs.title === 'string' ? { title: inputs.title } : {}),
    ...(typeof inputs.source === 'string' ? { source: inputs.source } : {}),
    row,
    ...(controls ? { controls } : {}),
  };
}
