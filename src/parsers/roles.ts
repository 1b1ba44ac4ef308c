/**
 * Roles of named tensors: which loss argument a JSON key or a Python variable most likely feeds.
 * Names follow `torch.nn.functional` (`input`, `target`, `weight`, `pos_weight`, `var`, …) and the
 * spellings people use for them in notebooks (`logits`, `labels`, `y_true`, `teacher_logits`, …).
 */

/** The loss arguments a named tensor can be recognised as. */
export type TensorRole =
  | 'input'
  | 'target'
  | 'probs'
  | 'teacher'
  | 'weight'
  | 'pos_weight'
  | 'var'
  | 'input1'
  | 'input2'
  | 'input_lengths'
  | 'target_lengths';

/** Every role, in the order results list them. */
export const TENSOR_ROLES: readonly TensorRole[] = [
  'input',
  'target',
  'probs',
  'teacher',
  'weight',
  'pos_weight',
  'var',
  'input1',
  'input2',
  'input_lengths',
  'target_lengths',
];

/** Spellings of each role, lower case with `_` for `-`. */
const SPELLINGS: Record<TensorRole, readonly string[]> = {
  input: ['input', 'inputs', 'logits', 'output', 'outputs', 'scores', 'preds', 'pred', 'predictions', 'prediction', 'y_pred', 'student', 'student_logits', 'log_probs'],
  target: ['target', 'targets', 'labels', 'label', 'y', 'y_true', 'class_indices'],
  probs: ['probs', 'p', 'q', 'probabilities'],
  teacher: ['teacher', 'teacher_logits', 'teacher_outputs'],
  weight: ['weight', 'weights', 'class_weight', 'class_weights'],
  pos_weight: ['pos_weight'],
  var: ['var', 'variance'],
  input1: ['input1', 'x1'],
  input2: ['input2', 'x2'],
  input_lengths: ['input_lengths'],
  target_lengths: ['target_lengths'],
};

const BY_SPELLING = new Map<string, TensorRole>();
for (const role of TENSOR_ROLES) for (const s of SPELLINGS[role]) BY_SPELLING.set(s, role);

/**
 * The role a key or variable name stands for, or undefined: `"logits"` is the input, `"y_true"`
 * the target. Case and `-` versus `_` do not matter. A name that is not a known spelling is tried
 * by its last, then its first `_`-separated word of three letters or more, so
 * `incorrect_prediction_logits` is an input and `target_shaped` a target; `exact` turns that off
 * (for scalars, where `label_smoothing` must stay an option).
 */
export function roleForKey(key: string, exact = false): TensorRole | undefined {
  const k = key.trim().toLowerCase().replace(/-/g, '_');
  const known = BY_SPELLING.get(k);
  if (known !== undefined || exact) return known;
  const words = k.split('_').filter((w) => w.length >= 3);
  if (words.length < 2) return undefined;
  return BY_SPELLING.get(words[words.length - 1]) ?? BY_SPELLING.get(words[0]);
}
