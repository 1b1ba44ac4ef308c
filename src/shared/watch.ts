/**
 * What the panel's debug view shows while Loss Lens follows a debug session: a tagged union of
 * states, so every failure is data the webview renders with what to do next. Owned by the debug
 * feature (src/host/debug); the panel protocol carries it in a `watch` message.
 */

/** One watched input/target pair and its loss at each stop. */
export interface WatchSummary {
  /** The user's expressions, as typed. */
  readonly inputExpression: string;
  readonly targetExpression: string;
  /** The registry op. */
  readonly op: string;
  /** The loss at each stop so far, oldest first (NaN allowed; the wire codec carries it). */
  readonly history: readonly number[];
}

/** The debug view's state. */
export type WatchState =
  /** Nothing is watched yet. */
  | { readonly kind: 'idle' }
  /** No debug session is running. */
  | { readonly kind: 'no-session' }
  /** The session runs; values can only be read while it is paused. */
  | { readonly kind: 'not-paused'; readonly watch: WatchSummary }
  /** The latest stop's values were read and the loss computed. */
  | { readonly kind: 'ok'; readonly watch: WatchSummary; readonly value: number }
  /** Reading or computing failed: `message` says what and what to do. */
  | { readonly kind: 'error'; readonly watch: WatchSummary | null; readonly message: string };
