// What the engine knows of each flow and packet beyond the counters: the flow table (with DNS
// names and the program behind each flow), the ring of paired traces, and the IPv4-dependency
// ledger. It observes the packet loop (flows first, so a pair is filed under its flow) and runs its
// upkeep once a second (flow expiry, the ledger). Attribution of programs runs beside the packet
// path, never in it.

import type { ProgramInfo } from '../observe/trace-pair.js';
import { DependencyLedger, programName } from '../observe/dependency-ledger.js';
import { DnsNames } from '../observe/dns-names.js';
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
  private readonly attribution: ProcessAttribution;
  private readonly detach: () => void;
  private readonly stopSeconds: () => void;
  private ledgerSeq = 0;

  constructor(observatory: Observatory, options: MonitorOptions) {
    // Flow and pair times are performance.now(); the offset makes them epoch milliseconds.
    this.flows = new FlowTable({ capacity: options.flowCapacity ?? 8192, names: this.names, clockOffsetMs: performance.timeOrigin });
    this.ring = new TraceRing({ capacity: options.tracePairs ?? 4096 });
    this.attribution = new ProcessAttribution({ addon: options.addon });
    this.detach = this.attribution.attach(this.flows);
    observatory.add(this);
    this.stopSeconds = observatory.onSecond(() => this.upkeep());
  }

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    let flowId = -1;
    if (verdict === Verdict.translated) {
      // DNS answers coming back teach names first, so the flow they open already has its name.
      if (input[start] >> 4 === 6 && out.count > 0 && out.family[0] === 4) this.names.learnFromIpv4(out.buffer, out.start[0], out.length[0], nowMs);
      flowId = this.flows.flowIdAt(this.flows.record(input, start, length, verdict, out, nowMs));
    } else if (out.count === 0) {
      return; // a silent drop: counted, but no pair to show
    }
    this.ring.record(input, start, length, verdict, out, nowMs, flowId);
  }

  /** The program behind a flow, for traces and exports. */
  programOf = (flowId: number): ProgramInfo | undefined => {
    if (flowId < 0) return undefined;
    const program = this.flows.snapshot(flowId)?.program;
    return program == null ? undefined : { name: programName(program.executable), pid: program.pid };
  };

  close(): void {
    this.stopSeconds();
    this.detach();
    this.attribution.close();
  }

  private upkeep(): void {
    this.flows.sweep(performance.now());
    const changes = this.flows.changedSince(this.ledgerSeq);
    this.ledgerSeq = changes.seq;
    this.ledger.update(changes, () => this.flows.all());
  }
}
