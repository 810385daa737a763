// Translation on worker threads, one per queue of a multi-queue TUN (linux-tun.ts
// openLinuxTunQueues), so that every core can translate and the main thread keeps only the
// control API and the observers. Each worker (queue-worker.ts) counts into its own shared
// counters, which the engine's counters read as shards, and writes its observations into a ring
// that the main thread drains into the observers when the worker says it wrote (Atomics.waitAsync:
// no timer, so nothing runs while no packet moves). A drain yields after a bounded number of
// observations so the control socket stays responsive.

import { Worker } from 'node:worker_threads';
import type { Ipv6Prefix } from '../wire/address.js';
import type { LinuxTun } from '../tun/linux-tun.js';
import { createObservationBuffer, ObservationReader } from '../observe/observation-ring.js';
import type { PacketObserver } from '../observe/packet-observer.js';
import { TrafficCounters, trafficCounterSlots } from '../observe/traffic-counters.js';
import type { DatapathConfig } from './datapath-config.js';
import type { QueueWorkerData, QueueWorkerMessage, QueueWorkerReply } from './queue-worker.js';

/** Observations a worker may be ahead of the main thread by (8 MiB of slots per worker). */
const observationCapacity = 4096;
const maxObservationsPerTurn = 2048;
const startTimeoutMs = 10_000;
/** How long stop() lets the workers end by themselves before it terminates them. */
const stopTimeoutMs = 5_000;

/** What the workers report to: the engine's observatory, its log and the data path's failure. */
export interface QueueWorkersHooks {
  /** The engine's counters: each worker's are attached to them as a shard. */
  readonly counters: TrafficCounters;
  readonly observer: PacketObserver;
  readonly log: (line: string) => void;
  /**
   * A worker ended while translating (an uncaught error): its queue's flows go unread until the
   * data path is rebuilt. Called at most once, never after stop().
   */
  readonly onFailure: (reason: string) => void;
}

interface QueueThread {
  readonly worker: Worker;
  /** Resolves when the worker has ended, however it ended. */
  readonly exited: Promise<void>;
  readonly counters: TrafficCounters;
  readonly reader: ObservationReader;
}

export class QueueWorkers {
  private readonly threads: readonly QueueThread[];
  /** All of them started: from now on a worker's end is a failure, unless stop() asked for it. */
  private running = false;
  private failed = false;
  private stopping: Promise<void> | null = null;
  /** The workers have ended: the pumps stop. */
  private stopped = false;

  private constructor(
    queues: readonly LinuxTun[],
    private readonly config: DatapathConfig,
    private readonly hooks: QueueWorkersHooks,
  ) {
    this.threads = queues.map((queue, k) => this.spawn(queue, k));
    for (const thread of this.threads) {
      hooks.counters.attach(thread.counters);
      void this.pump(thread.reader);
    }
  }

  /** Starts a worker per queue; resolves when all of them translate, or fails with why one could not. */
  static async start(
    queues: readonly LinuxTun[], config: DatapathConfig, hooks: QueueWorkersHooks,
  ): Promise<{ ok: true; workers: QueueWorkers } | { ok: false; error: string }> {
    const workers = new QueueWorkers(queues, config, hooks);
    const started = await Promise.all(workers.threads.map((thread) => whenStarted(thread.worker)));
    const failed = started.find((result) => result !== null);
    if (failed != null) {
      await workers.stop();
      return { ok: false, error: `a translating thread did not start: ${failed}` };
    }
    workers.running = true;
    return { ok: true, workers };
  }

  /** Observations lost because the main thread fell behind (the packets were translated). */
  get unobserved(): number {
    return this.threads.reduce((total, thread) => total + thread.reader.lost, 0);
  }

  setPrefix(prefix: Ipv6Prefix): void {
    for (const thread of this.threads) thread.worker.postMessage({ type: 'prefix', prefix } satisfies QueueWorkerMessage);
  }

  /**
   * Stops every worker and waits until none polls its queue any more (terminating any that does
   * not end in time); keeps what they counted and showed. The queues may be closed after it.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopThreads();
    return this.stopping;
  }

  private async stopThreads(): Promise<void> {
    for (const thread of this.threads) thread.worker.postMessage({ type: 'stop' } satisfies QueueWorkerMessage);
    // Termination is safe for the descriptors: the addon's poll handle is closed with the
    // worker's environment (fd-watch.c), before `exited` resolves and the queues are closed.
    const timer = setTimeout(() => {
      this.hooks.log(`translating threads did not stop in ${stopTimeoutMs / 1000} s: terminating them`);
      for (const thread of this.threads) void thread.worker.terminate();
    }, stopTimeoutMs);
    await Promise.all(this.threads.map((thread) => thread.exited));
    clearTimeout(timer);
    this.stopped = true;
    for (const thread of this.threads) {
      thread.reader.drain(this.hooks.observer, observationCapacity);
      thread.reader.wake();
      this.hooks.counters.detach(thread.counters);
    }
  }

  private spawn(queue: LinuxTun, k: number): QueueThread {
    const { hooks } = this;
    const counters = new TrafficCounters(new SharedArrayBuffer(trafficCounterSlots * 8));
    const observations = createObservationBuffer(observationCapacity);
    const data: QueueWorkerData = {
      queue: { fd: queue.descriptor, tunName: queue.name, batchSize: queue.batchSize, vnetHeaderBytes: queue.vnetHeaderBytes },
      config: this.config,
      counters: counters.all.buffer as SharedArrayBuffer,
      observations,
      mainTimeOrigin: performance.timeOrigin,
    };
    const worker = new Worker(new URL('./queue-worker.js', import.meta.url), { workerData: data, name: `clatter queue ${k}` });
    // From its first moment: an 'error' event without a listener would throw on the main thread.
    let lastError: string | null = null;
    worker.on('error', (error) => {
      lastError = error.message;
      hooks.log(`translating thread ${k} failed: ${error.stack ?? error.message}`);
    });
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        resolve();
        if (!this.running || this.stopping !== null || this.failed) return;
        this.failed = true;
        hooks.onFailure(`translating thread ${k} ended (${lastError ?? `exit code ${code}`}); its queue's flows went unread`);
      }),
    );
    return { worker, exited, counters, reader: new ObservationReader(observations) };
  }

  private async pump(reader: ObservationReader): Promise<void> {
    while (!this.stopped) {
      await reader.whenWritten();
      while (!this.stopped && reader.drain(this.hooks.observer, maxObservationsPerTurn) === maxObservationsPerTurn) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}

function whenStarted(worker: Worker): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`no answer in ${startTimeoutMs / 1000} s`), startTimeoutMs);
    const done = (result: string | null) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (reply: QueueWorkerReply) => reply.type === 'started' && done(null);
    const onError = (error: Error) => done(error.message);
    const onExit = (code: number) => done(`it exited with code ${code}`);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
