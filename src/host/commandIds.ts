/** Every command id Loss Lens registers, in one place (package.json `contributes.commands` lists them too). */
export const CommandIds = {
  /** Lists the names of the supported ops; returns `string[]`. */
  listOps: 'lossLens.listOps',
  /** Softmax of the bracketed numbers in the selection; returns a `SoftmaxReport` or undefined. */
  softmaxSelection: 'lossLens.softmaxSelection',
  /** Opens (or reveals) the Loss Lens panel; resolves with an `OpenPanelResult`. */
  openPanel: 'lossLens.openPanel',
} as const;

/** One of the command ids above. */
export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
