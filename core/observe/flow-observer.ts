// The packet loop's observer for flows: every translated packet goes to the flow table, and DNS
// responses coming back to the host (direction 64, IPv4 output from UDP port 53) teach the names
// first, so a flow that a response's first packet opens already has its name. Nothing here
// allocates unless the packet is a DNS response.

import type { DnsNames } from './dns-names.js';
import type { FlowTable } from './flow-table.js';
import type { PacketObserver } from './packet-observer.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';

export class FlowObserver implements PacketObserver {
  /** The id of the flow the last observed packet was filed under, or -1 (for the trace ring). */
  lastFlowId = -1;

  constructor(
    readonly flows: FlowTable,
    readonly names: DnsNames | null = null,
  ) {}

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    this.lastFlowId = -1;
    if (verdict !== Verdict.translated) return;
    if (this.names !== null && length > 0 && input[start] >> 4 === 6 && out.count > 0 && out.family[0] === 4) {
      this.names.learnFromIpv4(out.buffer, out.start[0], out.length[0], nowMs);
    }
    this.lastFlowId = this.flows.flowIdAt(this.flows.record(input, start, length, verdict, out, nowMs));
  }
}
