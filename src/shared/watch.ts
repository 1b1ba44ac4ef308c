/**
 * What the panel's debug view shows while Loss Lens follows a debug session: a tagged union of
 * states, so every failure is data the webview renders with what to do next. Owned by the debug
 * feature (src/host/debug); the panel protocol carries it in a `{type: 'watch', state}` message.
 *
 * Plain JSON-like data. Loss values may be NaN or ±Infinity: send them through the wire codec.
 */

/** How a tensor's values came from the debuggee. */
export type TensorTransport = 'text' | 'file';

/** What was read for one expression. */
export interface TensorSummary {
  /** The user's expression, as typed (`logits`, `batch["y"][:4]`). */
  readonly expression: string;
  /** Its shape, e.g. `[8, 4]`; `[]` for a 0-d tensor. */
  readonly shape: readonly number[];
  /** The dtype in the debuggee: `torch.float32`, `numpy.int64`, … */
  readonly dtype: string;
  /** `cpu`, `cuda:0`, … (numpy arrays say `cpu`). */
  readonly device: string;
  /** True when the tensor tracked gradients (Loss Lens read it detached). */
  readonly requiresGrad: boolean;
  /** `text` through the evaluate response, `file` through a raw temporary file. */
  readonly transport: TensorTransport;
}

/**
 * Why a watched pair has no value at this stop.
 * - `expression-failed`: the debugger could not evaluate an expression (its message is quoted).
 * - `not-a-tensor`: the expression's value is not a torch tensor or numpy array.
 * - `too-large`: more elements than Loss Lens reads; the message gives the size and a slice to try.
 * - `unsupported-dtype`: e.g. a complex tensor.
 * - `loss-failed`: the engine rejected the pair (shapes, dtypes); its message names them.
 * - `read-failed`: the temporary file or the reply could not be read.
 */
export type WatchProblem = 'expression-failed' | 'not-a-tensor' | 'too-large' | 'unsupported-dtype' | 'loss-failed' | 'read-failed';

/** The latest reading of one watched pair. */
export type WatchReading =
  /** Both tensors were read and the loss computed. */
  | { readonly kind: 'ok'; readonly value: number; readonly input: TensorSummary; readonly target: TensorSummary }
  /** No value: `message` is one sentence saying what is wrong and what to do. */
  | { readonly kind: 'error'; readonly problem: WatchProblem; readonly message: string };

/** One loss value, at the stop numbered `stop` (1 for the session's first stop). */
export interface WatchPoint {
  readonly stop: number;
  readonly value: number;
}

/** One watched input/target pair. */
export interface WatchSummary {
  /** Stable id of the pair within the extension host's lifetime. */
  readonly id: number;
  /** The user's expressions, as typed. */
  readonly inputExpression: string;
  readonly targetExpression: string;
  /** The registry op (`cross_entropy`). */
  readonly op: string;
  /** The loss at each stop so far, oldest first, one point per stop (NaN allowed). */
  readonly history: readonly WatchPoint[];
  /** The reading at the latest stop, or null before the first one. */
  readonly latest: WatchReading | null;
}

/** The debug view's state. */
export type WatchState =
  /** Nothing is watched yet: the view says how to start (Variables view "Open in Loss Lens", or `Loss Lens: Watch Loss While Debugging`). */
  | { readonly kind: 'idle' }
  /** No debug session is running; `watches` keep their history from the last session. */
  | { readonly kind: 'no-session'; readonly watches: readonly WatchSummary[] }
  /** The session runs; values can only be read while it is paused. */
  | { readonly kind: 'not-paused'; readonly watches: readonly WatchSummary[] }
  /** Paused at stop number `stop`, at `location` (`train.py:27, in train`); each watch has its reading. */
  | { readonly kind: 'paused'; readonly stop: number; readonly location: string; readonly watches: readonly WatchSummary[] };
