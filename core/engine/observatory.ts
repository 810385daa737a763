// Everything the engine sees of the traffic, for the CLI and the UI: exact counters, per-second
// rates for an hour, and (with the observers of core/observe) flows and paired traces. The packet
// loop feeds it; a one-second timer samples the rates. It outlives the data path: counters run from
// the engine's start, across `up` and `down`.

import { RateHistory } from '../observe/rate-history.js';
import { TrafficCounters } from '../observe/traffic-counters.js';
import type { PacketObserver } from '../observe/packet-observer.js';
import { TranslatorConfigs } from '../observe/translator-configs.js';
import type { XlatOutput } from '../xlat/output.js';

export class Observatory implements PacketObserver {
  readonly counters = new TrafficCounters();
  readonly rates = new RateHistory(3600);
  /** The translator configurations the data path used, by time: a recorded pair is explained with its own. */
  readonly translatorConfigs = new TranslatorConfigs();
  private readonly observers: PacketObserver[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly secondListeners = new Set<(nowMs: number) => void>();
  private readonly packetWaiters = new Set<() => void>();

  /** Starts the once-a-second sampling (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      const nowMs = Date.now();
      this.rates.sample(this.counters, nowMs);
      for (const listener of this.secondListeners) listener(nowMs);
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds a packet observer (flows, traces). */
  add(observer: PacketObserver): void {
    this.observers.push(observer);
  }

  /** Calls `listener` once a second, after the rate sample (flow expiry, pushing updates). */
  onSecond(listener: (nowMs: number) => void): () => void {
    this.secondListeners.add(listener);
    return () => this.secondListeners.delete(listener);
  }

  /**
   * Calls `waiter` once, soon after the next packet the loop hands the observers (never from
   * inside the packet path). Returns a function that cancels the wait.
   */
  onNextPacket(waiter: () => void): () => void {
    this.packetWaiters.add(waiter);
    return () => this.packetWaiters.delete(waiter);
  }

  get hasObservers(): boolean {
    return this.observers.length > 0;
  }

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    for (const observer of this.observers) observer.observe(input, start, length, verdict, out, nowMs);
    if (this.packetWaiters.size > 0) this.wakePacketWaiters();
  }

  private wakePacketWaiters(): void {
    const waiters = [...this.packetWaiters];
    this.packetWaiters.clear();
    setImmediate(() => {
      for (const waiter of waiters) waiter();
    });
  }
}
