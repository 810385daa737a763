// What the engine knows of each flow and packet beyond the counters: the flow table (with DNS
// names and the program behind each flow), the ring of paired traces, and the IPv4-dependency
// ledger. It observes the packet loop (flows first, so a pair is filed under its flow) and runs its
// upkeep once a second (flow expiry, the ledger). Attribution of programs runs beside the packet
// path, never in it.

import type { ProgramInfo } from '../observe/trace-pair.js';
import { DependencyLedger, programName, type DependencyEntry } from '../observe/dependency-ledger.js';
import { DnsNames } from '../observe/dns-names.js';
import { FlowObserver } from '../observe/flow-observer.js';
import { FlowTable } from '../observe/flow-table.js';
import type { PacketObserver } from '../observe/packet-observer.js';
import { TraceRing } from '../observe/trace-ring.js';
import type { NativeAddon } from '../tun/native-addon.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';
import type { Observatory } from './observatory.js';
import { ProcessAttribution } from './process-attribution.js';

export interface MonitorOptions {
  readonly addon: NativeAddon;
  /** Pairs the trace ring holds (default 4096). */
  readonly tracePairs?: number;
  /** Most flows at once (default 8192). */
  readonly flowCapacity?: number;
}

export class Monitor implements PacketObserver {
  readonly names = new DnsNames();
  readonly flows: FlowTable;
  readonly ring: TraceRing;
  readonly ledger = new DependencyLedger();
  private readonly flowObserver: FlowObserver;
  private readonly attribution: ProcessAttribution;
  private readonly detach: () => void;
  private readonly stopSeconds: () => void;
  private ledgerSeq = 0;

  constructor(observatory: Observatory, options: MonitorOptions) {
    // Flow and pair times are performance.now(); the offset makes them epoch milliseconds.
    this.flows = new FlowTable({ capacity: options.flowCapacity ?? 8192, names: this.names, clockOffsetMs: performance.timeOrigin });
    this.ring = new TraceRing({ capacity: options.tracePairs ?? 4096 });
    this.flowObserver = new FlowObserver(this.flows, this.names);
    this.attribution = new ProcessAttribution({ addon: options.addon });
    this.detach = this.attribution.attach(this.flows);
    observatory.add(this);
    this.stopSeconds = observatory.onSecond(() => this.upkeep());
  }

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    // A silent drop has no flow, but a pair to show: the input and why it went no further (its
    // explanation names the rule and the field, `clatter explain`).
    if (verdict !== Verdict.translated && out.count === 0) {
      this.ring.record(input, start, length, verdict, out, nowMs, -1);
      return;
    }
    this.flowObserver.observe(input, start, length, verdict, out, nowMs);
    this.ring.record(input, start, length, verdict, out, nowMs, this.flowObserver.lastFlowId);
  }

  /** The program behind a flow, for traces and exports. */
  programOf = (flowId: number): ProgramInfo | undefined => {
    if (flowId < 0) return undefined;
    const program = this.flows.snapshot(flowId)?.program;
    return program == null ? undefined : { name: programName(program.executable), pid: program.pid };
  };

  /** Whether a flow's program is still being looked for (trace filters by program wait for it). */
  programAwaited = (flowId: number): boolean => flowId >= 0 && this.flows.programAwaited(flowId);

  close(): void {
    this.stopSeconds();
    this.detach();
    this.attribution.close();
  }

  /** The IPv4-dependency report, up to the last packet (not only to the last upkeep). */
  report(): DependencyEntry[] {
    this.updateLedger();
    return this.ledger.report();
  }

  private upkeep(): void {
    this.flows.sweep(performance.now());
    this.updateLedger();
  }

  private updateLedger(): void {
    const changes = this.flows.changedSince(this.ledgerSeq);
    this.ledgerSeq = changes.seq;
    this.ledger.update(changes, () => this.flows.all());
  }
}
