/**
 * The watched pairs and their loss history, one point per stop. Pure: the controller feeds it
 * readings and turns it into the `WatchState` the view renders.
 */
import type { WatchPoint, WatchReading, WatchSummary } from '../../shared/watch';

/** What the user asked to watch. */
export interface WatchSpec {
  readonly inputExpression: string;
  readonly targetExpression: string;
  readonly op: string;
}

/** At most this many points per watch; older ones are dropped. */
export const MAX_HISTORY = 1000;

interface Entry {
  readonly id: number;
  readonly spec: WatchSpec;
  history: WatchPoint[];
  latest: WatchReading | null;
}

/** Holds the watches in the order they were added. */
export class WatchModel {
  private entries: Entry[] = [];
  private nextId = 1;

  /** Adds a watch, or returns the id of the same one already watched. */
  add(spec: WatchSpec): number {
    const same = this.entries.find(
      (e) => e.spec.inputExpression === spec.inputExpression && e.spec.targetExpression === spec.targetExpression && e.spec.op === spec.op,
    );
    if (same) return same.id;
    const id = this.nextId++;
    this.entries.push({ id, spec: { ...spec }, history: [], latest: null });
    return id;
  }

  /** Stops watching `id`. Returns false when it is not watched. */
  remove(id: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== before;
  }

  /** Stops watching everything. */
  clear(): void {
    this.entries = [];
  }

  /** True when nothing is watched. */
  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** The watch specs with their ids. */
  specs(): Array<{ id: number; spec: WatchSpec }> {
    return this.entries.map((e) => ({ id: e.id, spec: e.spec }));
  }

  /**
   * Records the reading of `id` at stop `stop`. A value adds a history point, or replaces the one
   * of the same stop (reading again after selecting another frame is not a new stop).
   */
  record(id: number, stop: number, reading: WatchReading): void {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return;
    e.latest = reading;
    const last = e.history[e.history.length - 1];
    if (last && last.stop === stop) e.history.pop();
    if (reading.kind === 'ok') e.history.push({ stop, value: reading.value });
    if (e.history.length > MAX_HISTORY) e.history.splice(0, e.history.length - MAX_HISTORY);
  }

  /** Forgets the history (a new debug session starts its stops at 1 again). */
  resetHistory(): void {
    for (const e of this.entries) {
      e.history = [];
      e.latest = null;
    }
  }

  /** Snapshots for the view. */
  summaries(): WatchSummary[] {
    return this.entries.map((e) => ({ id: e.id, ...e.spec, history: [...e.history], latest: e.latest }));
  }
}
