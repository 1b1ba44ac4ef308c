/**
 * The panel's host side, shared by the editor-tab panel and the bottom view: holds the current
 * report and watch state, answers the handshake (`ready` → `init`, which replays the last report),
 * builds large reports in steps (a sampled first paint, then the full pass in chunks with the event
 * loop free between them), answers row selections and exports. Thin: the numbers come from
 * `src/shared/report.ts`, the Markdown and the PyTorch code from pure formatters.
 */
import * as vscode from 'vscode';
import type { ArgValue } from '../../engine/op';
import type { FromWebview, RenderedValues, Surface } from '../../shared/protocol';
import { assertNever } from '../../shared/protocol';
import { toPyTorchCode } from '../../shared/pytorchCode';
import { LARGE_ELEMENTS, ReportBuilder, reportMarkdown, type LossReport, type ReportControls, type ReportInputs } from '../../shared/report';
import type { WatchState } from '../../shared/watch';
import { encode, wireSize } from '../../shared/wire';
import { Connection, type Rendered } from './connection';

/** What `lossLens.showReport` takes. Tensors are engine `Tensor`s; missing arguments get PyTorch's defaults. */
export interface ShowReportArgs {
  readonly op: string;
  readonly args: Record<string, ArgValue>;
  readonly title?: string;
  readonly source?: string;
  /** The row to select (default 0). */
  readonly row?: number;
  /** Control values to start from. */
  readonly controls?: Partial<ReportControls>;
  /** For large reports: resolve after the complete report rendered, not the first (sampled) paint. */
  readonly waitForComplete?: boolean;
  /** How long to wait for the webview (default 20 s). */
  readonly timeoutMs?: number;
  /** False: update the webviews that are open, but open none (default true). */
  readonly reveal?: boolean;
}

/** What `lossLens.showReport` resolves with. */
export interface ShowReportResult {
  /** True once a webview rendered this report. */
  readonly ready: boolean;
  /** The op's value (null for `reduction='none'` or while a large report is incomplete). */
  readonly value: number | null;
  /** The numbers the webview shows (mean CE, H(p), KL(p‖q)). */
  readonly rendered: RenderedValues | null;
  /** The headline the webview shows. */
  readonly text: string | null;
  readonly surface: Surface | null;
  readonly complete: boolean;
  readonly rows: number;
  readonly classes: number;
  /** Host time to build the first report, ms. */
  readonly buildMs: number;
  /** Bytes of the first report message on the wire. */
  readonly messageBytes: number;
  /** From having the tensors to the webview's `rendered` reply for the first paint, ms. */
  readonly firstPaintMs: number | null;
  /**
   * Where the first paint's time went, ms: `posted` from having the tensors to posting the report
   * (the build, plus waiting for a webview to load when none was open); the webview's decode,
   * render and paint; `transit` the rest of the round trip (IPC both ways).
   */
  readonly firstPaintSteps?: {
    readonly posted: number;
    readonly decode: number;
    readonly render: number;
    readonly paint: number;
    readonly transit: number;
    /** When the webview loaded during the wait: asked for (or attached) → document start → document fetched → bundle fetched → evaluated and `ready` posted → `ready` received, ms each. */
    readonly boot?: { readonly open: number; readonly document: number; readonly fetch: number; readonly evaluate: number; readonly readyTransit: number };
  };
  /** Set when the arguments were rejected: the engine's message. */
  readonly error?: string;
}

/** What a webview surface must provide: a way to show the editor-tab panel. */
export interface PanelOpener {
  /** Opens or reveals the editor-tab panel. */
  openPanel(): void;
}

/** Rows per chunk of the full pass: about 2M elements, tens of milliseconds. */
function chunkRows(classes: number): number {
  return Math.max(1, Math.floor(LARGE_ELEMENTS / Math.max(1, classes)));
}

/** Splits a first paint into its steps (see {@link ShowReportResult.firstPaintSteps}). */
function paintSteps(r: Rendered, t0: number, wall0: number, c: Connection | undefined): ShowReportResult['firstPaintSteps'] {
  const posted = (r.postedAt ?? t0) - t0;
  const decode = r.timing?.decodeMs ?? 0;
  const render = r.timing?.renderMs ?? 0;
  const paint = r.timing?.paintMs ?? 0;
  const b = c?.boot;
  const boot = b && b.received >= wall0 ? { open: b.origin - Math.max(c.attachedAt, wall0), document: b.documentFetched - b.origin, fetch: b.scriptFetched - b.documentFetched, evaluate: b.ready - b.scriptFetched, readyTransit: b.received - b.ready } : undefined;
  return { posted, decode, render, paint, transit: r.at - t0 - posted - decode - render - paint, boot };
}

/** Rows the first paint of a large report summarizes. */
const SAMPLE_ROWS = 8;

/** The controller; one per extension activation. */
export class PanelController implements vscode.Disposable {
  private readonly connections = new Set<Connection>();
  private builder: ReportBuilder | null = null;
  private inputs: ReportInputs | null = null;
  private report: LossReport | null = null;
  private reportVersion = 0;
  private error: string | null = null;
  private watch: WatchState | null = null;
  private job = 0;
  private nextRequest = 0;
  private readonly pendingExports = new Map<number, (data: string | undefined) => void>();
  private opener: PanelOpener | null = null;

  constructor(private readonly version: string) {}

  /** Sets how to open the editor-tab panel (the panel class registers itself). */
  setOpener(opener: PanelOpener): void {
    this.opener = opener;
  }

  /** Connects a webview; the returned connection is removed when `dispose`d. */
  attach(webview: vscode.Webview, surface: Surface, isVisible: () => boolean): Connection {
    const connection = new Connection(webview, surface, (c, m) => this.receive(c, m), isVisible);
    this.connections.add(connection);
    return connection;
  }

  /** Forgets a connection (its webview is gone). */
  detach(connection: Connection): void {
    this.connections.delete(connection);
    connection.dispose();
  }

  /** A surface was hidden: its document is discarded, so it will post `ready` again when shown. */
  hidden(connection: Connection): void {
    connection.ready = false;
  }

  /** The connections, for tests and commands. */
  get surfaces(): readonly Connection[] {
    return [...this.connections];
  }

  /** The last report. */
  get current(): LossReport | null {
    return this.report;
  }

  /** The last watch state. */
  get watchState(): WatchState | null {
    return this.watch;
  }

  /**
   * Computes the report of `op(args)`, shows it (opening the editor-tab panel when no Loss Lens
   * webview is visible) and resolves once a webview has rendered it.
   */
  async showReport(request: ShowReportArgs): Promise<ShowReportResult> {
    const t0 = performance.now();
    const wall0 = Date.now();
    const job = ++this.job;
    let builder: ReportBuilder;
    let report: LossReport;
    if (request.reveal !== false && this.ensureVisible()) {
      // A webview is being opened: let its creation reach the workbench (the messages leave when
      // the event loop turns), so it loads while the report is built.
      await new Promise((resolve) => setImmediate(resolve));
    }
    try {
      builder = new ReportBuilder(request, { controls: request.controls, row: request.row });
      if (builder.size > LARGE_ELEMENTS) builder.sample(SAMPLE_ROWS);
      else {
        while (builder.summarizeChunk(1 << 30)) {
          /* one chunk */
        }
        builder.finish();
      }
      report = builder.report();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.error = message;
      if (request.reveal !== false) this.ensureVisible();
      for (const c of this.connections) if (c.ready) c.post({ type: 'error', message });
      return { ready: false, value: null, rendered: null, text: null, surface: null, complete: false, rows: 0, classes: 0, buildMs: performance.now() - t0, messageBytes: 0, firstPaintMs: null, error: message };
    }
    const buildMs = performance.now() - t0;
    this.error = null;
    this.builder = builder;
    this.inputs = { op: request.op, args: request.args, title: request.title, source: request.source };
    const version = this.publish(report, request.reveal !== false);
    const messageBytes = wireSize(encode({ type: 'report', seq: 0, report, inputs: this.inputsForWebview() }));
    const timeout = request.reveal === false && ![...this.connections].some((c) => c.ready) ? 0 : (request.timeoutMs ?? 20_000);
    const first = await this.waitRendered(version, timeout);
    const firstPaintMs = first ? first.rendered.at - t0 : null;
    const firstPaintSteps = first ? paintSteps(first.rendered, t0, wall0, first.connection) : undefined;
    let final = first;
    if (!report.complete) {
      const done = this.completeInSteps(job, builder);
      if (request.waitForComplete) {
        const completeVersion = await done;
        if (completeVersion !== null) final = await this.waitRendered(completeVersion, timeout);
      } else void done;
    }
    const shown = final?.rendered;
    return {
      ready: !!shown,
      value: final?.report.value ?? report.value,
      rendered: shown?.values ?? null,
      text: shown?.text ?? null,
      surface: final?.surface ?? null,
      complete: final?.report.complete ?? report.complete,
      rows: report.rowCount,
      classes: report.classes,
      buildMs,
      messageBytes,
      firstPaintMs,
      firstPaintSteps,
    };
  }

  /** Runs the full pass of a large report in chunks, yielding between them; posts the complete report. */
  private async completeInSteps(job: number, builder: ReportBuilder): Promise<number | null> {
    const rows = chunkRows(builder.classes);
    const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    try {
      while (builder.summarizeChunk(rows)) {
        await yieldNow();
        if (job !== this.job) return null;
      }
      await yieldNow();
      if (job !== this.job) return null;
      builder.finish();
      return this.publish(builder.report(), false);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      for (const c of this.connections) if (c.ready) c.post({ type: 'error', message: this.error });
      return null;
    }
  }

  /** The tensors for a webview that recomputes on its controls (small reports only). */
  private inputsForWebview(): ReportInputs | null {
    return this.builder && this.builder.size <= LARGE_ELEMENTS ? this.inputs : null;
  }

  /** Records the report and sends it to every ready webview; opens the panel when none is visible. */
  private publish(report: LossReport, reveal = true): number {
    this.report = report;
    const version = ++this.reportVersion;
    if (reveal) this.ensureVisible();
    const inputs = this.inputsForWebview();
    for (const c of this.connections) if (c.ready) c.post({ type: 'report', report, inputs }, version);
    return version;
  }

  /** Opens (or reveals) the editor-tab panel when no Loss Lens webview is visible; true when it did. */
  private ensureVisible(): boolean {
    if ([...this.connections].some((c) => c.visible) || !this.opener) return false;
    this.opener.openPanel();
    return true;
  }

  /** Waits until some webview rendered report `version`. */
  private async waitRendered(version: number, timeoutMs: number): Promise<{ rendered: Rendered; surface: Surface; connection: Connection; report: LossReport } | undefined> {
    const deadline = Date.now() + timeoutMs;
    // Connections may appear while waiting (the panel opens); poll the set briefly.
    while (Date.now() < deadline) {
      const candidates = [...this.connections];
      if (candidates.length) {
        const slice = Math.min(250, deadline - Date.now());
        const results = await Promise.all(candidates.map((c) => c.whenReportRendered(version, slice).then((r) => (r ? { r, c } : undefined))));
        const hit = results.find((x) => x !== undefined);
        if (hit && this.report) return { rendered: hit.r, surface: hit.c.surface, connection: hit.c, report: this.report };
      } else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  /** Sends a debug watch state to every webview (the bottom view renders it). */
  postWatch(state: WatchState): { delivered: number } {
    this.watch = state;
    let delivered = 0;
    for (const c of this.connections) {
      if (!c.ready) continue;
      c.post({ type: 'watch', state });
      delivered++;
    }
    return { delivered };
  }

  /** The report as Markdown (and on the clipboard). */
  async copyMarkdown(): Promise<string | undefined> {
    if (!this.report) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Show a report in the Loss Lens panel first (for example with Loss Lens: Open Panel after computing a loss).'));
      return undefined;
    }
    const md = reportMarkdown(this.report);
    await vscode.env.clipboard.writeText(md);
    return md;
  }

  /** PyTorch code that prints the report's value (and on the clipboard). */
  async copyPyTorchCode(): Promise<string | undefined> {
    if (!this.inputs || !this.builder) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Show a report in the Loss Lens panel first (for example with Loss Lens: Open Panel after computing a loss).'));
      return undefined;
    }
    const code = toPyTorchCode(this.builder.op, this.builder.args);
    await vscode.env.clipboard.writeText(code);
    return code;
  }

  /**
   * Saves a chart of the visible webview as SVG or PNG: asks the webview for it, then writes it to
   * `path` (tests) or where the save dialog says. Resolves with the path written, or undefined.
   */
  async saveChart(chart: string, format: 'svg' | 'png', path?: string): Promise<{ path: string; bytes: number } | undefined> {
    const connection = [...this.connections].find((c) => c.ready && c.visible) ?? [...this.connections].find((c) => c.ready);
    if (!connection) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open the Loss Lens panel to save a chart.'));
      return undefined;
    }
    const requestId = ++this.nextRequest;
    const data = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingExports.delete(requestId);
        resolve(undefined);
      }, 15_000);
      this.pendingExports.set(requestId, (d) => {
        clearTimeout(timer);
        resolve(d);
      });
      connection.post({ type: 'exportChart', requestId, chart, format });
    });
    if (data === undefined) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The Loss Lens panel did not return the {0} chart; is it shown?', chart));
      return undefined;
    }
    return this.writeChart(chart, format, data, path);
  }

  private async writeChart(chart: string, format: 'svg' | 'png', data: string, path?: string): Promise<{ path: string; bytes: number } | undefined> {
    let target: vscode.Uri | undefined = path ? vscode.Uri.file(path) : undefined;
    if (!target) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      target = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, `loss-lens-${chart}.${format}`) : undefined,
        filters: format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
        saveLabel: vscode.l10n.t('Save Chart'),
      });
      if (!target) return undefined;
    }
    const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    return { path: target.fsPath, bytes: bytes.byteLength };
  }

  private receive(connection: Connection, message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        connection.ready = true;
        connection.boot = message.boot ? { ...message.boot, received: Date.now() } : undefined;
        connection.post(
          { type: 'init', version: this.version, surface: connection.surface, report: this.report, inputs: this.inputsForWebview(), watch: this.watch },
          this.report ? this.reportVersion : undefined,
        );
        if (this.error) connection.post({ type: 'error', message: this.error });
        return;
      case 'rendered':
        connection.rendered({ seq: message.seq, text: message.text, bars: message.bars, values: message.values, timing: message.timing });
        return;
      case 'selectRow':
        this.selectRow(connection, message.row);
        return;
      case 'recompute':
        void this.recompute(message.controls, message.row);
        return;
      case 'export':
        void this.export(message.request);
        return;
      case 'cspViolation':
        connection.violations.push(`${message.directive}: ${message.blocked}`);
        return;
      default:
        assertNever(message);
    }
  }

  private selectRow(connection: Connection, row: number): void {
    if (!this.builder) return;
    try {
      this.builder.select(row);
      connection.post({ type: 'rowDetail', detail: this.builder.rowDetail(row) });
    } catch (err) {
      connection.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async recompute(controls: ReportControls, row: number): Promise<void> {
    if (!this.inputs) return;
    await this.showReport({ ...this.inputs, args: { ...this.inputs.args }, controls, row });
  }

  private async export(request: Parameters<typeof this.handleExport>[0]): Promise<void> {
    await this.handleExport(request);
  }

  private async handleExport(request: FromWebview extends infer M ? (M extends { type: 'export'; request: infer R } ? R : never) : never): Promise<void> {
    switch (request.kind) {
      case 'markdown': {
        const md = await this.copyMarkdown();
        if (md) void vscode.window.showInformationMessage(vscode.l10n.t('Copied the Loss Lens report as Markdown.'));
        return;
      }
      case 'pytorch': {
        const code = await this.copyPyTorchCode();
        if (code) void vscode.window.showInformationMessage(vscode.l10n.t('Copied PyTorch code that reproduces the value.'));
        return;
      }
      case 'svg':
      case 'png': {
        const pending = request.requestId !== undefined ? this.pendingExports.get(request.requestId) : undefined;
        if (pending) {
          this.pendingExports.delete(request.requestId!);
          pending(request.data);
          return;
        }
        await this.writeChart(request.chart, request.kind, request.data);
        return;
      }
      default:
        assertNever(request);
    }
  }

  dispose(): void {
    this.job++;
    for (const c of this.connections) c.dispose();
    this.connections.clear();
    for (const p of this.pendingExports.values()) p(undefined);
  }
}
