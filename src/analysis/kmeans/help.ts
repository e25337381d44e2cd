import { ASSIGN_BLOCK, assignRange, type CenterDrifts, type LloydHelp } from './lloyd.js';
import type { StartSpec } from './start.js';
import type { AssignState } from './state.js';

/**
 * Help between the worker threads of one fit. Each worker runs its starts in its own slot of
 * shared memory (labels, bounds, and a small control block). A worker that finds no start left
 * to run joins a start still running in another slot and takes part in each of its Lloyd
 * assignments: the two threads take blocks of rows from a shared counter, each block's moves are
 * recorded apart, and the owner applies them block by block, so the result is the same bits as
 * on one thread. Without this, the last start (starts differ in length: a few iterations or
 * dozens) would leave a core idle. Taking blocks as they go, rather than a fixed half each,
 * keeps the owner from waiting long on a helper that the machine's other work slows down.
 *
 * The owner never waits for a helper to join; it only shares blocks once one has.
 */
export interface HelpSlot {
  /** Int32 fields, see the indices below. */
  readonly control: Int32Array;
  /** k x cols centres, then upperDrift, lowerDrift and halfGap (k each): the current `CenterDrifts`. */
  readonly drifts: Float64Array;
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly suspects: Int32Array;
  /** Per block of rows, its moves from the block's first row index on. */
  readonly movedRows: Int32Array;
  readonly movedFrom: Int32Array;
  /** Per block, how many of its rows changed cluster. */
  readonly blockMoved: Int32Array;
}

/** Indices into `HelpSlot.control`. */
const STATE = 0;
/** Bumped by the owner for each task it posts. */
const TASK = 1;
/** Set with a task that tells the helper to leave (the start is over). */
const LEAVE = 2;
/** The current assignment: rows, blocks, the next block to take, and how many are done. */
const ROWS = 3;
const BLOCKS = 4;
const NEXT_BLOCK = 5;
const FINISHED = 6;
const FAILED = 7;
const CONTROL_SIZE = 8;

/** Values of `STATE`. */
const IDLE = 0;
const RUNNING = 1;
const HELPED = 2;

/**
 * Thrown on the owner's side when the helper failed. The helper reports its own error (the
 * cause), so the owner's worker does not report this one.
 */
export class HelperFailed extends Error {
  override readonly name = 'HelperFailed';
}

/** Far longer than any block takes: only a broken helper makes the owner wait this long. */
const HELPER_TIMEOUT_MS = 120_000;

function shared<T extends Int32Array | Float64Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/**
 * A slot for starts on `rows` x `cols` with k clusters. `rowArrays`, when given (rows long, in
 * shared memory), are its labels and bounds: the WebAssembly kernels work on them, so they lie in
 * the kernels' memory (`RowsMemory.threads`).
 */
export function helpSlot(rows: number, cols: number, k: number, rowArrays?: Pick<HelpSlot, 'labels' | 'upper' | 'lower'>): HelpSlot {
  return {
    control: shared(Int32Array, CONTROL_SIZE),
    drifts: shared(Float64Array, k * cols + 3 * k),
    labels: rowArrays?.labels ?? shared(Int32Array, rows),
    upper: rowArrays?.upper ?? shared(Float64Array, rows),
    lower: rowArrays?.lower ?? shared(Float64Array, rows),
    suspects: shared(Int32Array, rows),
    movedRows: shared(Int32Array, rows),
    movedFrom: shared(Int32Array, rows),
    blockMoved: shared(Int32Array, Math.ceil(rows / ASSIGN_BLOCK)),
  };
}

function driftsView(slot: HelpSlot, k: number, cols: number): CenterDrifts {
  const at = k * cols;
  return {
    centers: slot.drifts.subarray(0, at),
    upperDrift: slot.drifts.subarray(at, at + k),
    lowerDrift: slot.drifts.subarray(at + k, at + 2 * k),
    halfGap: slot.drifts.subarray(at + 2 * k, at + 3 * k),
  };
}

/**
 * Takes blocks of the slot's current assignment until none is left; each one's moves go to its
 * own part of `movedRows` / `movedFrom`. `state` is the calling thread's view of the slot's rows:
 * the slot's labels and bounds, its own scratch.
 */
function assignBlocks(slot: HelpSlot, state: AssignState, drifts: CenterDrifts): void {
  const { control, movedRows, movedFrom, blockMoved } = slot;
  const rows = Atomics.load(control, ROWS);
  const blocks = Atomics.load(control, BLOCKS);
  for (;;) {
    const block = Atomics.add(control, NEXT_BLOCK, 1);
    if (block >= blocks) return;
    const from = block * ASSIGN_BLOCK;
    const to = Math.min(rows, from + ASSIGN_BLOCK);
    blockMoved[block] = assignRange(state, drifts, from, to, movedRows.subarray(from, to), movedFrom.subarray(from, to));
    if (Atomics.add(control, FINISHED, 1) + 1 === blocks) Atomics.notify(control, FINISHED);
  }
}

/** The owner's side of a slot: marks its starts as open to help and shares blocks with a helper. */
export class SlotOwner implements LloydHelp {
  readonly movedRows: Int32Array;
  readonly movedFrom: Int32Array;
  readonly blockMoved: Int32Array;
  private readonly view: CenterDrifts;

  constructor(private readonly slot: HelpSlot, cols: number, k: number) {
    this.movedRows = slot.movedRows;
    this.movedFrom = slot.movedFrom;
    this.blockMoved = slot.blockMoved;
    this.view = driftsView(slot, k, cols);
  }

  /** A start begins in this slot: another worker may join it. */
  open(): void {
    Atomics.store(this.slot.control, STATE, RUNNING);
  }

  joined(): boolean {
    return Atomics.load(this.slot.control, STATE) === HELPED;
  }

  /** `state` is the running start's: its labels and bounds are the slot's. */
  assignTogether(state: AssignState, drifts: CenterDrifts): void {
    const control = this.slot.control;
    const { rows } = state;
    this.view.centers.set(drifts.centers);
    this.view.upperDrift.set(drifts.upperDrift);
    this.view.lowerDrift.set(drifts.lowerDrift);
    this.view.halfGap.set(drifts.halfGap);
    const blocks = Math.ceil(rows / ASSIGN_BLOCK);
    Atomics.store(control, ROWS, rows);
    Atomics.store(control, BLOCKS, blocks);
    Atomics.store(control, FINISHED, 0);
    Atomics.store(control, NEXT_BLOCK, 0);
    this.postTask(0);
    assignBlocks(this.slot, state, this.view);
    for (;;) {
      if (Atomics.load(control, FAILED) !== 0) throw new HelperFailed('K-Means helper thread failed');
      const finished = Atomics.load(control, FINISHED);
      if (finished === blocks) return;
      if (Atomics.wait(control, FINISHED, finished, HELPER_TIMEOUT_MS) === 'timed-out') {
        throw new Error('K-Means helper thread did not answer');
      }
    }
  }

  /** The start is over: no more help; a helper that joined is sent away. */
  close(): void {
    const control = this.slot.control;
    if (Atomics.compareExchange(control, STATE, RUNNING, IDLE) === HELPED) {
      this.postTask(1);
      Atomics.store(control, STATE, IDLE);
    }
  }

  private postTask(leave: number): void {
    const control = this.slot.control;
    Atomics.store(control, LEAVE, leave);
    Atomics.add(control, TASK, 1);
    Atomics.notify(control, TASK);
  }
}

/**
 * Joins the start running in `slot`, if one is, and takes part in its assignments until the
 * start is over. `scratch` is the helper's own: its list of rows to look at (at least
 * `ASSIGN_BLOCK` long) and its WebAssembly search, if the rows are in its memory. Returns how
 * many assignments it took part in. If an assignment throws, the owner is told to stop waiting and
 * the error goes to the caller.
 */
export function helpSlotOwner(slot: HelpSlot, data: Float64Array, spec: StartSpec, scratch: Pick<AssignState, 'suspects' | 'kernel'>): number {
  const control = slot.control;
  // Read before joining, so that a task posted right after the join is not missed.
  let seen = Atomics.load(control, TASK);
  if (Atomics.compareExchange(control, STATE, RUNNING, HELPED) !== RUNNING) return 0;
  const { rows, cols, k } = spec;
  const drifts = driftsView(slot, k, cols);
  const { labels, upper, lower } = slot;
  const state: AssignState = { data, rows, cols, k, labels, upper, lower, ...scratch, distances: new Float64Array(k + 1) };
  let served = 0;
  for (;;) {
    Atomics.wait(control, TASK, seen);
    const task = Atomics.load(control, TASK);
    if (task === seen) continue;
    seen = task;
    if (Atomics.load(control, LEAVE) !== 0) return served;
    try {
      assignBlocks(slot, state, drifts);
    } catch (error) {
      Atomics.store(control, FAILED, 1);
      Atomics.notify(control, FINISHED);
      throw error;
    }
    served++;
  }
}
