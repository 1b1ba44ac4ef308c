/** The panel's command ids (the other features' ids are in ../commandIds.ts). */
export const PanelCommandIds = {
  /** `{op, args, title?, source?}` → computes, shows and resolves with a `ShowReportResult` once rendered. */
  showReport: 'lossLens.showReport',
  /** `(state: WatchState)` → sends the debug watch state to the webviews; resolves with `{delivered}`. */
  postWatch: 'lossLens.internal.postWatch',
  /** Copies the report as Markdown; resolves with the text. */
  copyMarkdown: 'lossLens.panel.copyMarkdown',
  /** Copies PyTorch code that prints the report's value; resolves with the code. */
  copyPyTorchCode: 'lossLens.panel.copyPyTorchCode',
  /** `({chart, format, path?})` → saves a chart as SVG or PNG; resolves with `{path, bytes}`. */
  saveChart: 'lossLens.panel.saveChart',
  /** Opens the bottom-panel view. */
  showView: 'lossLens.showView',
  /** Development: a seeded [4096, 50257] cross_entropy report, to measure the first paint. */
  largeReport: 'lossLens.internal.largeReport',
  /** Development: one of the demo reports (every view on small tensors), picked by label. */
  demoReport: 'lossLens.internal.demoReport',
  /** Development: sets `workbench.colorTheme` in the user settings (screenshots in each theme). */
  colorTheme: 'lossLens.internal.colorTheme',
  /** Tests: the panel's state (connections, CSP violations, the current report's headline numbers). */
  panelState: 'lossLens.internal.panelState',
} as const;
