import type { AsyncResource } from 'node:async_hooks';
import type { TransferListItem } from 'node:worker_threads';
import { type CancelSignal, CancelToken } from '../primitives/cancel-token.js';
import type { StartReport } from './executor-protocol.js';
import type { SlotJob } from './worker-slots.js';

export type Status = 'ok' | 'error' | 'cancelled';

export function noop(): void {}

/** Milliseconds for a trace: never negative, to the microsecond. */
export function round(ms: number): number {
  return Math.round(Math.max(0, ms) * 1000) / 1000;
}

/** One job's bookkeeping, from submission to settlement. */
export class JobRecord implements SlotJob {
  /**
   * Traced jobs: the submitter's context, so events name the submitting task whoever starts or drops
   * the job — its task name when the tracer says it (`currentTask()`, as a Recorder does: the job then
   * runs inside `tracer.runAs(task, …)`), else its async context.
   */
  context: AsyncResource | { readonly task: string } | undefined;
  /** Submission time, for `queueWait`: clock ms when modelled, epoch ms otherwise. Tracing only. */
  submittedAt = 0;
  /** Start time on the same scale; -1 until the job started. */
  startedAt = -1;
  /** The thread that ran it (real time, traced), or its slot number (modelled). */
  threadId: number | undefined;
  /** Whether it entered the queue or got a slot (a submitter waiting for room has not). */
  isAdmitted = false;
  onAdmit: () => void = noop;
  onRefuse: (err: unknown) => void = noop;
  /** Real-time tracing: the worker's start report and the wake-up of whoever awaits it. */
  report: StartReport | undefined;
  onReport: (() => void) | undefined;
  /** A modelled job's own controller: aborted by the caller's signal or by `close({ cancelRunning })`. */
  controller: AbortController | undefined;

  constructor(
    readonly id: number,
    readonly fn: string,
    readonly args: readonly unknown[],
    readonly signal: CancelSignal | undefined,
    readonly cost: number | undefined,
    readonly transferList: readonly TransferListItem[] | undefined,
  ) {}

  admitted(): void {
    this.isAdmitted = true;
    this.onAdmit();
  }

  /** The caller's signal aborted: abort the modelled job's controller. (The record is its own listener.) */
  handleEvent(): void {
    this.controller?.abort(this.signal?.reason);
  }

  /** piscina's run options: none at all in the common case. */
  runOptions(signal = this.signal): { signal?: AbortSignal; transferList?: TransferListItem[] } {
    if (signal === undefined && this.transferList === undefined) return NO_OPTIONS;
    // piscina wants a real AbortSignal: a task's token makes its own on demand.
    const real = signal instanceof CancelToken ? signal.signal : signal;
    return { signal: real, transferList: this.transferList as TransferListItem[] | undefined };
  }
}

const NO_OPTIONS = Object.freeze({});
