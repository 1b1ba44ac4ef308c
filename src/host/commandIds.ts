/** Every command id Loss Lens registers, in one place (package.json `contributes.commands` lists them too). */
export const CommandIds = {
  /** Lists the names of the supported ops; returns `string[]`. */
  listOps: 'lossLens.listOps',
  /** Opens (or reveals) the Loss Lens panel; resolves with an `OpenPanelResult`. */
  openPanel: 'lossLens.openPanel',
  /** Opens the panel on a computation `{op, args, title}` (the panel's; the editor features call it when registered). */
  showReport: 'lossLens.showReport',
  /** "Compute Loss…" on the selection; resolves with a `ComputeLossResult` (args `ComputeLossArgs` skip the prompts). */
  computeLoss: 'lossLens.computeLoss',
  /** "Analyze Tensor": per-row analysis of the selected tensor(s); resolves with `TensorAnalyses` or a problem. */
  analyzeTensor: 'lossLens.analyzeTensor',
  /** "Analyze Cell Output": the printed tensors of a notebook cell's outputs; resolves with `TensorAnalyses` or a problem. */
  analyzeCellOutput: 'lossLens.analyzeCellOutput',
  /** Opens the panel on a hover's loss computation, by the id in the hover's link (internal). */
  showHoverResult: 'lossLens.showHoverResult',
} as const;

/** One of the command ids above. */
export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
