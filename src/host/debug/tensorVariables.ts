/**
 * Which Variables-view entries are tensors, from the debug adapter's `variables` responses. Pure.
 * debugpy reports `type` as the class name: `Tensor`, `Parameter` (torch), `ndarray` (numpy).
 */

/** The debug types whose adapters are debugpy (the Python extension, Jupyter's kernel debugger). */
export const PYTHON_DEBUG_TYPES: readonly string[] = ['python', 'debugpy', 'Python Kernel Debug Adapter'];

/** The DAP `Variable` fields Loss Lens reads. */
export interface VariableLike {
  readonly name: string;
  readonly type?: string;
  readonly value?: string;
  readonly evaluateName?: string;
  readonly variablesReference?: number;
}

const TENSOR_TYPES = /^(?:torch\.)?(?:Tensor|Parameter|[A-Z]\w*Tensor)$|^(?:numpy\.)?ndarray$|^(?:torch\.nn\.parameter\.)Parameter$/;

/** True for a torch tensor (or Parameter) or a numpy array. */
export function isTensorVariable(v: VariableLike): boolean {
  return typeof v.type === 'string' && TENSOR_TYPES.test(v.type);
}

/** The expression that reads a variable: its `evaluateName` when the adapter gives one, else its name. */
export function variableExpression(v: VariableLike): string {
  return v.evaluateName && v.evaluateName.trim() ? v.evaluateName : v.name;
}
