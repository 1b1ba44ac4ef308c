/** The debug feature's command ids (package.json `contributes.commands` and `menus` list them too). */
export const DebugCommandIds = {
  /** Asks for input and target expressions and an op, then follows the loss at each stop; returns a `WatchCommandResult`. */
  watchLoss: 'lossLens.watchLoss',
  /** "Open in Loss Lens" in the Variables view: watches a tensor variable with its likely target; returns a `WatchCommandResult`. */
  openVariable: 'lossLens.debug.openVariable',
  /** Stops watching one pair (by id) or all; returns the new `WatchResult`. */
  unwatch: 'lossLens.debug.unwatch',
  /** Opens the full report of a watched pair's latest tensors (`lossLens.showReport`). */
  openWatchReport: 'lossLens.debug.openWatchReport',
  /** Internal, for tests and the panel: the last `WatchResult`, refreshed first when `{refresh: true}`. */
  watchState: 'lossLens.internal.debugWatchState',
} as const;
