/**
 * The messages between the extension host and the Loss Lens webview panel. Both ends switch
 * exhaustively over `type` and call `assertNever` on the default branch, so adding a message
 * without handling it is a compile error on both sides.
 */

/** A softmax the host computed, in plain arrays so it survives `postMessage`. */
export interface SoftmaxReport {
  /** Where the numbers came from, e.g. `logits.json` or `notebook.ipynb, cell 1`. */
  readonly source: string;
  /** Shape of the input (and of the output). */
  readonly shape: readonly number[];
  /** The input logits, row-major. */
  readonly logits: readonly number[];
  /** softmax(logits, dim=-1), row-major. */
  readonly probabilities: readonly number[];
}

/** Messages the host sends to the webview. `seq` numbers them so a `rendered` reply names the one it shows. */
export type ToWebview =
  /** Answer to `ready`: the extension version and the last report (null before the first one). */
  | { readonly type: 'init'; readonly seq: number; readonly version: string; readonly report: SoftmaxReport | null }
  /** A new report while the panel is open. */
  | { readonly type: 'update'; readonly seq: number; readonly report: SoftmaxReport };

/** Messages the webview sends to the host. */
export type FromWebview =
  /** The webview's script has loaded and listens for messages; the host answers with `init`. */
  | { readonly type: 'ready' }
  /** The webview rendered the message numbered `seq`; `text` is what it shows and `bars` how many bars it drew. */
  | { readonly type: 'rendered'; readonly seq: number; readonly text: string; readonly bars: number };

/** Exhaustiveness check for `switch (message.type)`. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
