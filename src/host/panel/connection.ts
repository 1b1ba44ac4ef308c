/**
 * One live webview (the editor-tab panel or the bottom view): numbers the messages it is sent,
 * encodes them with the wire codec, and tells waiters when the webview has rendered a given one.
 */
import * as vscode from 'vscode';
import type { BootTiming, FromWebview, RenderedValues, RenderTiming, Surface, ToWebview } from '../../shared/protocol';
import { decode, encode } from '../../shared/wire';

/** What the webview last reported as rendered. */
export interface Rendered {
  readonly seq: number;
  readonly text: string;
  readonly bars: number;
  readonly values: RenderedValues;
  /** The webview's own account of the render. */
  readonly timing?: RenderTiming;
  /** Host time (ms, `performance.now()`) when the `rendered` reply arrived. */
  readonly at: number;
  /** Host time when the message it answers was posted. */
  readonly postedAt?: number;
}

/** Messages whose `seq` the connection fills in. */
export type Outgoing = ToWebview extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;

/** A webview the controller talks to. */
export class Connection implements vscode.Disposable {
  private seq = 0;
  private lastRendered: Rendered | undefined;
  private waiters: Array<() => void> = [];
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** True once the webview answered the handshake (posted `ready`). */
  ready = false;
  /** CSP violations the webview reported. */
  readonly violations: string[] = [];
  /** Wall-clock time the connection was made (its webview's document was set). */
  readonly attachedAt = Date.now();
  /** How the webview's document last loaded, and when its `ready` arrived (wall clock). */
  boot: (BootTiming & { readonly received: number }) | undefined;

  constructor(
    readonly webview: vscode.Webview,
    readonly surface: Surface,
    onMessage: (connection: Connection, message: FromWebview) => void,
    private readonly isVisible: () => boolean,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => onMessage(this, decode<FromWebview>(raw))));
  }

  /** Whether the webview is visible now. */
  get visible(): boolean {
    return this.isVisible();
  }

  /** Report-carrying messages not yet answered by a `rendered`: seq → the report version and when it was posted. */
  private readonly pending = new Map<number, { readonly version: number; readonly postedAt: number }>();
  private highestRenderedVersion = 0;

  /** Posts a message and returns its `seq`; `reportVersion` tags a message that carries that report. */
  post(message: Outgoing, reportVersion?: number): number {
    const seq = ++this.seq;
    if (reportVersion !== undefined) this.pending.set(seq, { version: reportVersion, postedAt: performance.now() });
    void this.webview.postMessage(encode({ ...message, seq }));
    return seq;
  }

  /** The report version of the last rendered message (0 before any). */
  get renderedVersion(): number {
    return this.highestRenderedVersion;
  }

  /** Resolves once the webview rendered report `version` (or a later one), or `undefined` after `timeoutMs`. */
  whenReportRendered(version: number, timeoutMs: number): Promise<Rendered | undefined> {
    return this.waitFor(() => (this.lastRendered && this.renderedVersion >= version ? this.lastRendered : undefined), timeoutMs);
  }

  /** Records a `rendered` reply and wakes the waiters. */
  rendered(r: Omit<Rendered, 'at' | 'postedAt'>): void {
    const postedAt = this.pending.get(r.seq)?.postedAt;
    // A reply covers its message and every earlier one: fold them into the rendered version and forget them.
    for (const [seq, p] of this.pending) {
      if (seq > r.seq) continue;
      this.highestRenderedVersion = Math.max(this.highestRenderedVersion, p.version);
      this.pending.delete(seq);
    }
    this.lastRendered = { ...r, at: performance.now(), postedAt };
    for (const w of [...this.waiters]) w();
  }

  /** The last `rendered` reply. */
  get last(): Rendered | undefined {
    return this.lastRendered;
  }

  /** Resolves with the `rendered` reply for message `seq` or a later one, or `undefined` after `timeoutMs`. */
  whenRendered(seq: number, timeoutMs: number): Promise<Rendered | undefined> {
    return this.waitFor(() => (this.lastRendered && this.lastRendered.seq >= seq ? this.lastRendered : undefined), timeoutMs);
  }

  private waitFor(done: () => Rendered | undefined, timeoutMs: number): Promise<Rendered | undefined> {
    const now = done();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(undefined);
      }, timeoutMs);
      const check = (): void => {
        const r = done();
        if (!r && !this.disposed) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(r);
      };
      this.waiters.push(check);
    });
  }

  /** The latest message number sent. */
  get latestSeq(): number {
    return this.seq;
  }

  dispose(): void {
    this.disposed = true;
    for (const w of [...this.waiters]) w();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
