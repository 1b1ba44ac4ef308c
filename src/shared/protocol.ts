/**
 * The messages between the extension host and the Loss Lens webview (the editor-tab panel and the
 * bottom-panel view run the same app). Both ends switch exhaustively over `type` and call
 * `assertNever` on the default branch, so adding a message without handling it is a compile error
 * on both sides. Messages cross `postMessage` through the wire codec (`wire.ts`): NaN and ±Infinity
 * are tagged and Float64Arrays travel as binary ArrayBuffers.
 */
import type { LossReport, ReportControls, ReportInputs, RowDetail } from './report';
import type { WatchState } from './watch';

/** Which surface the webview is: the editor-tab panel or the view in the bottom panel. */
export type Surface = 'panel' | 'view';

/** What the webview keeps with `setState` so a reload or a hidden view comes back as it was. */
export interface ViewState {
  /** The selected row of the report. */
  readonly row: number;
  /** The slider and select values. */
  readonly controls: ReportControls | null;
  /** Which report `row` and `controls` belong to (op, title, source, shape), so they are not applied to another one. */
  readonly key?: string;
  /** A small report's tensors as JSON-safe data (`wire.ts` `toJsonSafe`), so a panel revived after a reload can show it again. */
  readonly inputs?: unknown;
}

/** Messages the host sends to the webview. `seq` numbers them so a `rendered` reply names the one it shows. */
export type ToWebview =
  /** Answer to `ready`: settings, the last report (null before the first one) and the last watch state. */
  | {
      readonly type: 'init';
      readonly seq: number;
      readonly version: string;
      readonly surface: Surface;
      readonly report: LossReport | null;
      /** The tensors, when small enough for the webview to recompute on a control (null for large reports). */
      readonly inputs: ReportInputs | null;
      readonly watch: WatchState | null;
    }
  /** A new or refined report (a large report is sent first from a sample, then complete). */
  | { readonly type: 'report'; readonly seq: number; readonly report: LossReport; readonly inputs: ReportInputs | null }
  /** The detail of one row, answering `selectRow`. */
  | { readonly type: 'rowDetail'; readonly seq: number; readonly detail: RowDetail }
  /** The debug watch state for the bottom-panel view. */
  | { readonly type: 'watch'; readonly seq: number; readonly state: WatchState }
  /** Building a report failed: `message` says what and what to do. */
  | { readonly type: 'error'; readonly seq: number; readonly message: string }
  /** Asks the webview for a chart as SVG or PNG; it answers with an `export` of the same `requestId`. */
  | { readonly type: 'exportChart'; readonly seq: number; readonly requestId: number; readonly chart: string; readonly format: 'svg' | 'png' };

/**
 * How the webview document loaded, as wall-clock times (ms since the epoch, `Date.now()` scale, so
 * the host can compare them with its own): the document's time origin, its first response (VS
 * Code's loader page; in code-server this waits for the shared service worker), the bundle
 * fetched, the bundle evaluated and `ready` posted.
 */
export interface BootTiming {
  readonly origin: number;
  readonly documentFetched: number;
  readonly scriptFetched: number;
  readonly ready: number;
}

/** Where a render's time went in the webview, ms (its own clock): decoding the message, building the DOM and the first charts, waiting for the paint. */
export interface RenderTiming {
  readonly decodeMs: number;
  readonly renderMs: number;
  readonly paintMs: number;
}

/** The numbers the webview shows for the report it rendered (what tests read back). */
export interface RenderedValues {
  readonly value: number | null;
  readonly crossEntropy: number | null;
  readonly entropy: number | null;
  readonly kl: number | null;
  readonly row: number;
}

/** What an export asks the host to do. */
export type ExportRequest =
  /** Copy the report as Markdown to the clipboard. */
  | { readonly kind: 'markdown' }
  /** Copy PyTorch code that reproduces the value. */
  | { readonly kind: 'pytorch' }
  /** Save a chart: `data` is SVG text or a `data:image/png;base64,` URL. */
  | { readonly kind: 'svg' | 'png'; readonly chart: string; readonly data: string; readonly requestId?: number };

/** Messages the webview sends to the host. */
export type FromWebview =
  /** The webview's script has loaded and listens for messages; the host answers with `init`. */
  | { readonly type: 'ready'; readonly boot?: BootTiming }
  /** The webview painted the message numbered `seq`; `text` is its headline and `values` the numbers shown. */
  | { readonly type: 'rendered'; readonly seq: number; readonly text: string; readonly bars: number; readonly values: RenderedValues; readonly timing?: RenderTiming }
  /** The user selected a row the webview has no detail for; the host answers with `rowDetail`. */
  | { readonly type: 'selectRow'; readonly row: number }
  /** The controls changed on a report too large to recompute in the webview; the host rebuilds it. */
  | { readonly type: 'recompute'; readonly controls: ReportControls; readonly row: number }
  /** The user asked for an export. */
  | { readonly type: 'export'; readonly request: ExportRequest }
  /** The webview's content security policy blocked something (a bug: tests assert there is none). */
  | { readonly type: 'cspViolation'; readonly directive: string; readonly blocked: string };

/** Exhaustiveness check for `switch (message.type)`. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
