/**
 * The one table from PyTorch's (and timm's) loss spellings to registry ops: the `torch.nn` class,
 * the `torch.nn.functional` function, the tensors a call takes and the options in PyTorch's
 * positional order. A module's constructor takes the options; calling the module takes the
 * tensors; the functional form takes the tensors then the options. `size_average` and `reduce`
 * are PyTorch's deprecated spellings of `reduction` and are folded into it (see
 * {@link legacyReduction}).
 */

/** One loss as PyTorch spells it. */
export interface LossEntry {
  /** The registry op. */
  readonly op: string;
  /** Class name in `torch.nn` or `timm.loss`. */
  readonly module: string;
  /** Function name in `torch.nn.functional`, if there is one. */
  readonly functional?: string;
  /** Where the class lives. */
  readonly library: 'torch' | 'timm';
  /** Tensors of a call, in order (registry argument names). */
  readonly call: readonly string[];
  /** Options in PyTorch's positional order after the tensors (registry names, plus the legacy `size_average`, `reduce`). */
  readonly options: readonly string[];
  /** The options are keyword-only (a `*` in PyTorch's signature, as in TripletMarginWithDistanceLoss). */
  readonly keywordOnly?: boolean;
}

const LEGACY_MEAN = ['size_average', 'reduce', 'reduction'];

/** Every loss the evaluator recognises, one row each. */
export const LOSS_TABLE: readonly LossEntry[] = [
  { op: 'cross_entropy', module: 'CrossEntropyLoss', functional: 'cross_entropy', library: 'torch', call: ['input', 'target'], options: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'] },
  { op: 'nll_loss', module: 'NLLLoss', functional: 'nll_loss', library: 'torch', call: ['input', 'target'], options: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'] },
  { op: 'kl_div', module: 'KLDivLoss', functional: 'kl_div', library: 'torch', call: ['input', 'target'], options: [...LEGACY_MEAN, 'log_target'] },
  { op: 'binary_cross_entropy', module: 'BCELoss', functional: 'binary_cross_entropy', library: 'torch', call: ['input', 'target'], options: ['weight', ...LEGACY_MEAN] },
  { op: 'binary_cross_entropy_with_logits', module: 'BCEWithLogitsLoss', functional: 'binary_cross_entropy_with_logits', library: 'torch', call: ['input', 'target'], options: ['weight', ...LEGACY_MEAN, 'pos_weight'] },
  { op: 'mse_loss', module: 'MSELoss', functional: 'mse_loss', library: 'torch', call: ['input', 'target'], options: LEGACY_MEAN },
  { op: 'l1_loss', module: 'L1Loss', functional: 'l1_loss', library: 'torch', call: ['input', 'target'], options: LEGACY_MEAN },
  { op: 'smooth_l1_loss', module: 'SmoothL1Loss', functional: 'smooth_l1_loss', library: 'torch', call: ['input', 'target'], options: [...LEGACY_MEAN, 'beta'] },
  { op: 'huber_loss', module: 'HuberLoss', functional: 'huber_loss', library: 'torch', call: ['input', 'target'], options: ['reduction', 'delta'] },
  { op: 'poisson_nll_loss', module: 'PoissonNLLLoss', functional: 'poisson_nll_loss', library: 'torch', call: ['input', 'target'], options: ['log_input', 'full', 'size_average', 'eps', 'reduce', 'reduction'] },
  { op: 'gaussian_nll_loss', module: 'GaussianNLLLoss', functional: 'gaussian_nll_loss', library: 'torch', call: ['input', 'target', 'var'], options: ['full', 'eps', 'reduction'] },
  { op: 'hinge_embedding_loss', module: 'HingeEmbeddingLoss', functional: 'hinge_embedding_loss', library: 'torch', call: ['input', 'target'], options: ['margin', ...LEGACY_MEAN] },
  { op: 'margin_ranking_loss', module: 'MarginRankingLoss', functional: 'margin_ranking_loss', library: 'torch', call: ['input1', 'input2', 'target'], options: ['margin', ...LEGACY_MEAN] },
  { op: 'soft_margin_loss', module: 'SoftMarginLoss', functional: 'soft_margin_loss', library: 'torch', call: ['input', 'target'], options: LEGACY_MEAN },
  { op: 'multilabel_soft_margin_loss', module: 'MultiLabelSoftMarginLoss', functional: 'multilabel_soft_margin_loss', library: 'torch', call: ['input', 'target'], options: ['weight', ...LEGACY_MEAN] },
  { op: 'multi_margin_loss', module: 'MultiMarginLoss', functional: 'multi_margin_loss', library: 'torch', call: ['input', 'target'], options: ['p', 'margin', 'weight', ...LEGACY_MEAN] },
  { op: 'multilabel_margin_loss', module: 'MultiLabelMarginLoss', functional: 'multilabel_margin_loss', library: 'torch', call: ['input', 'target'], options: LEGACY_MEAN },
  { op: 'triplet_margin_loss', module: 'TripletMarginLoss', functional: 'triplet_margin_loss', library: 'torch', call: ['anchor', 'positive', 'negative'], options: ['margin', 'p', 'eps', 'swap', ...LEGACY_MEAN] },
  { op: 'triplet_margin_with_distance_loss', module: 'TripletMarginWithDistanceLoss', functional: 'triplet_margin_with_distance_loss', library: 'torch', call: ['anchor', 'positive', 'negative'], options: ['distance_function', 'margin', 'swap', 'reduction'], keywordOnly: true },
  { op: 'cosine_embedding_loss', module: 'CosineEmbeddingLoss', functional: 'cosine_embedding_loss', library: 'torch', call: ['input1', 'input2', 'target'], options: ['margin', ...LEGACY_MEAN] },
  { op: 'ctc_loss', module: 'CTCLoss', functional: 'ctc_loss', library: 'torch', call: ['log_probs', 'targets', 'input_lengths', 'target_lengths'], options: ['blank', 'reduction', 'zero_infinity'] },
  { op: 'label_smoothing_cross_entropy', module: 'LabelSmoothingCrossEntropy', library: 'timm', call: ['input', 'target'], options: ['smoothing'] },
  { op: 'soft_target_cross_entropy', module: 'SoftTargetCrossEntropy', library: 'timm', call: ['input', 'target'], options: [] },
  { op: 'jsd_cross_entropy', module: 'JsdCrossEntropy', library: 'timm', call: ['input', 'target'], options: ['num_splits', 'alpha', 'smoothing'] },
];

const BY_MODULE = new Map(LOSS_TABLE.map((e) => [`${e.library}:${e.module}`, e]));
const BY_FUNCTIONAL = new Map(LOSS_TABLE.filter((e) => e.functional).map((e) => [e.functional as string, e]));

/** The entry for a class by library and name (`torch`, `CrossEntropyLoss`). */
export function lossByModule(library: 'torch' | 'timm', name: string): LossEntry | undefined {
  return BY_MODULE.get(`${library}:${name}`);
}

/** The entry for a `torch.nn.functional` name (`cross_entropy`). */
export function lossByFunctional(name: string): LossEntry | undefined {
  return BY_FUNCTIONAL.get(name);
}

/** PyTorch's parameter names a call of this entry accepts, for messages. */
export function parameterNames(entry: LossEntry): string[] {
  return [...entry.call, ...entry.options];
}

/**
 * PyTorch's `_Reduction.legacy_get_string`: when `size_average` or `reduce` is given (not None),
 * they decide the reduction: `reduce=False` gives 'none', otherwise `size_average=False` gives
 * 'sum' and anything else 'mean'. Returns undefined when neither is given.
 */
export function legacyReduction(sizeAverage: boolean | null | undefined, reduce: boolean | null | undefined): 'none' | 'mean' | 'sum' | undefined {
  if ((sizeAverage === undefined || sizeAverage === null) && (reduce === undefined || reduce === null)) return undefined;
  const avg = sizeAverage ?? true;
  const red = reduce ?? true;
  if (!red) return 'none';
  return avg ? 'mean' : 'sum';
}
