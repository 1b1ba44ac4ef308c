/**
 * The bounds of one interpretation (a hover, a command, an audit of a file): a step budget and a
 * memory budget. Every statement and call charges steps; every tensor allocation charges its bytes
 * *before* the array is created, so a program that would build `torch.zeros(8192, 8192)` chains is
 * refused at the first allocation past the limit instead of allocating gigabytes.
 *
 * Memory is counted cumulatively (bytes allocated during the run, never credited back): a
 * deterministic, conservative bound that needs no view of the garbage collector.
 */

/** The limits of one run. */
export interface BudgetLimits {
  /** Interpreter steps (statements, expression nodes, loop iterations, element-wise work in chunks of 1024). */
  readonly maxSteps: number;
  /** Bytes of tensor storage allocated (8 bytes an element: storage is float64). */
  readonly maxBytes: number;
}

/** The defaults for a hover: 10^6 steps and 64 MB of tensors. */
export const HOVER_LIMITS: BudgetLimits = { maxSteps: 1_000_000, maxBytes: 64 * 1024 * 1024 };

/** Thrown when a run passes one of its limits; the interpreter turns it into a refusal naming the bound and where. */
export class BudgetExceeded extends Error {
  constructor(
    /** Which bound. */
    readonly bound: 'steps' | 'memory',
    /** The limit that was passed (steps, or bytes). */
    readonly limit: number,
    /** What was being done: "torch.zeros(8192, 8192)", "the loop at line 4". */
    readonly what: string,
  ) {
    super(
      bound === 'steps'
        ? `Stopped after ${limit.toLocaleString('en-US')} steps (${what}): Loss Lens follows at most that much work per hover.`
        : `Refused to allocate past ${(limit / (1024 * 1024)).toFixed(0)} MB of tensors (${what}): Loss Lens reads at most that much per hover.`,
    );
    this.name = 'BudgetExceeded';
  }
}

/** The counters of one run. */
export class Budget {
  /** Steps taken so far. */
  steps = 0;
  /** Bytes allocated so far. */
  bytes = 0;
  constructor(readonly limits: BudgetLimits = HOVER_LIMITS) {}

  /** Charges `n` steps; throws {@link BudgetExceeded} past the limit. */
  step(n: number, what: string): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) throw new BudgetExceeded('steps', this.limits.maxSteps, what);
  }

  /** Charges `elements` float64 elements; throws {@link BudgetExceeded} past the limit, before anything is allocated. */
  allocate(elements: number, what: string): void {
    const bytes = elements * 8;
    if (!Number.isFinite(bytes) || this.bytes + bytes > this.limits.maxBytes) throw new BudgetExceeded('memory', this.limits.maxBytes, what);
    this.bytes += bytes;
    // Element-wise work is charged as steps too, one per 1024 elements, so huge tensors also cost time.
    this.step(Math.ceil(elements / 1024), what);
  }
}

/** No limits: for the CLI's `--unbounded` and tests that need none. */
export const UNBOUNDED: BudgetLimits = { maxSteps: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };

let current: Budget = new Budget(UNBOUNDED);

/** The budget of the run under way (an unbounded one outside any run). */
export function currentBudget(): Budget {
  return current;
}

/** Runs `fn` with `budget` as the current budget, restoring the previous one afterwards. */
export function withBudget<T>(budget: Budget, fn: () => T): T {
  const prev = current;
  current = budget;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/**
 * A zeroed Float64Array of `n` elements, charged to the current budget first. Every tensor storage
 * the interpreter and its tensor library create goes through here (or {@link chargeElements}).
 */
export function allocFloat64(n: number, what: string): Float64Array {
  current.allocate(n, what);
  return new Float64Array(n);
}

/** Charges `n` elements to the current budget without allocating (for an array made elsewhere, e.g. by a parser). */
export function chargeElements(n: number, what: string): void {
  current.allocate(n, what);
}
