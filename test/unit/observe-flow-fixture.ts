// The CLAT the flow tests translate through (RFC 6877: the host's 192.0.0.1 ↔ the CLAT's IPv6
// address by EAMT, everything else under the NAT64 prefix 2001:db8:64::/96), and a helper that
// runs a packet through it and hands the result to a flow table as the packet loop would.

import type { FlowTable } from '../../core/observe/flow-table.js';
import type { PacketObserver } from '../../core/observe/packet-observer.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';

export const clat = {
  ipv4: '192.0.0.1',
  ipv6: '2001:db8:1:2::c1a7',
  pool6: '2001:db8:64::/96',
  remote4: '203.0.113.10',
  remote6: '2001:db8:64::cb00:710a',
  other4: '198.51.100.20',
  other6: '2001:db8:64::c633:6414',
} as const;

export function clatTranslator(): Translator {
  const parsed = parseSiitConfig({
    pool6: clat.pool6,
    eamt: [{ ipv6: `${clat.ipv6}/128`, ipv4: `${clat.ipv4}/32` }],
    selfIpv4: '192.0.0.2',
    selfIpv6: clat.ipv6,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return new Translator(parsed.config);
}

/** Translates packets as the packet loop does (input inside an arena, at an offset) and reports them. */
export class Feeder {
  readonly translator = clatTranslator();
  readonly out = new XlatOutput();
  private readonly arena = new Uint8Array(70_000);
  lastVerdict = -1;

  constructor(private readonly flows: FlowTable) {}

  /** Returns what FlowTable.record returned. */
  feed(packet: Uint8Array, nowMs: number, start = 100): number {
    this.arena.set(packet, start);
    this.lastVerdict = this.translator.translateAt(this.arena, start, packet.length, this.out);
    return this.flows.record(this.arena, start, packet.length, this.lastVerdict, this.out, nowMs);
  }

  /** The same through a PacketObserver. */
  observe(observer: PacketObserver, packet: Uint8Array, nowMs: number, start = 100): number {
    this.arena.set(packet, start);
    this.lastVerdict = this.translator.translateAt(this.arena, start, packet.length, this.out);
    observer.observe(this.arena, start, packet.length, this.lastVerdict, this.out, nowMs);
    return this.lastVerdict;
  }

  /** Copies of what the last translation wrote. */
  outputs(): Uint8Array[] {
    return Array.from({ length: this.out.count }, (_, i) => this.out.packet(i).slice());
  }
}
