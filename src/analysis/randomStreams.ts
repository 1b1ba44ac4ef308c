/**
 * Seeded randomness in notebook order: after `torch.manual_seed(s)` (or `np.random.seed(s)`) the
 * random calls that follow draw from one generator, so their values are known, in the order the
 * cells run them (cell order, then line order, arguments before the call).
 *
 * A stream holds the seed and its calls in that order. A value is computed when a hover needs it:
 * the stream replays every earlier call first (their sizes are evaluated too), so the generator is
 * exactly where PyTorch's or NumPy's would be. Anything between the seed and a call that might
 * draw from the same generator and that Loss Lens does not follow (a model's forward with
 * dropout, a layer constructor that initialises weights, a DataLoader loop, a random call in a
 * branch or a loop) *breaks* the stream there: later calls are refused, naming the line.
 *
 * Streams are never changed once a later cell could reuse the cell that made them: a cell that
 * adds calls works on a fork (same seed and earlier calls), so a cached prefix of cells keeps its
 * values when the cells after it change.
 */
import { BudgetExceeded } from '../interpreter/budget';
import { NumpyRandomState } from '../interpreter/random/numpyRandom';
import { TorchGenerator } from '../interpreter/random/torchRandom';
import type { Expr } from './syntax';
import type { PyValue } from './values';

/** The two generators notebooks seed. */
export type StreamKind = 'torch' | 'numpy';

/** One random call of a stream: the node, and what evaluates it (set by the analysis). */
export interface RandomCall {
  readonly node: Expr & { k: 'call' };
  /** Its source text, for messages. */
  readonly text: string;
  /** Computes the call's value on `stream` as its `index`-th draw (arguments evaluated in the call's own cell and names). */
  readonly draw: (stream: RandomStream, index: number) => PyValue;
}

/** A seed: its value is computed when the first draw needs it. */
export interface Seed {
  readonly value: () => number;
  readonly line: number;
}

/** A seeded generator and the calls that draw from it, in execution order. */
export class RandomStream {
  readonly calls: RandomCall[];
  /** Index of the first call whose draws are not known, and why. */
  brokenAt: number;
  brokenReason: string;
  private readonly results: PyValue[] = [];
  private failure: string | undefined;
  private torch: TorchGenerator | undefined;
  private numpy: NumpyRandomState | undefined;

  constructor(
    readonly kind: StreamKind,
    readonly seed: Seed,
    calls: readonly RandomCall[] = [],
    brokenAt = Infinity,
    brokenReason = '',
  ) {
    this.calls = [...calls];
    this.brokenAt = brokenAt;
    this.brokenReason = brokenReason;
  }

  /** A copy with the same seed, calls and break, for a later cell to extend. */
  fork(): RandomStream {
    return new RandomStream(this.kind, this.seed, this.calls, this.brokenAt, this.brokenReason);
  }

  /** Marks the stream unknown from the next call on. */
  breakHere(reason: string): void {
    if (this.calls.length < this.brokenAt) {
      this.brokenAt = this.calls.length;
      this.brokenReason = reason;
    }
  }

  /** Why call `index` cannot be drawn, or undefined when it can. */
  refusal(index: number): string | undefined {
    if (index >= this.brokenAt) return this.brokenReason;
    return undefined;
  }

  /**
   * The value of call `index`: earlier calls are replayed first, then `generate` draws this one.
   * Throws what replaying or generating throws.
   */
  valueAt(index: number, generate: (gen: TorchGenerator | NumpyRandomState) => PyValue): PyValue {
    if (index < this.results.length) return this.results[index];
    if (this.failure !== undefined) throw new RangeError(this.failure);
    while (this.results.length < index) {
      const j = this.results.length;
      try {
        this.calls[j].draw(this, j);
      } catch (e) {
        // A bound of this hover is not a property of the stream: the next hover may replay it.
        if (e instanceof BudgetExceeded) throw e;
        this.failure = `the random call \`${this.calls[j].text}\` before it could not be evaluated (${e instanceof Error ? e.message : String(e)})`;
        throw new RangeError(this.failure);
      }
      if (this.results.length === j) {
        this.failure = 'an earlier random call was not replayed';
        throw new RangeError(this.failure);
      }
    }
    const v = generate(this.generator());
    this.results.push(v);
    return v;
  }

  private generator(): TorchGenerator | NumpyRandomState {
    if (this.kind === 'torch') return (this.torch ??= new TorchGenerator(this.seed.value()));
    return (this.numpy ??= new NumpyRandomState(this.seed.value()));
  }
}

/** Which stream each random call of a cell draws from. */
export type RandomCalls = ReadonlyMap<Expr, { readonly stream: RandomStream; readonly index: number }>;
