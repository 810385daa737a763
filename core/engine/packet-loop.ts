// The packet path: sources → translator → a sink per family. With force-forwarding delivery one
// TUN is the only source and both sinks: it carries IPv4 packets of host programs (to translate to
// IPv6) and IPv6 packets the kernel forwards to the CLAT address (to translate to IPv4), and every
// output goes back into it, where the kernel delivers IPv4 to the host and routes IPv6 out of the
// uplink. With packet-socket delivery (kernels before 6.17) the IPv6 packets come from a packet
// socket on the uplink and leave through a raw socket (core/engine/packet-socket-path.ts).
//
// One translation's outputs all leave by one side (translations go across, an ICMP error the
// translator generates goes back), so they are written to one sink in one call.
//
// Nothing is allocated per packet: the read batch and the translator's output share one arena, so
// the translator copies with copyWithin; the translator is swapped, not rebuilt per packet, when
// the NAT64 prefix changes. A drain handles a bounded number of batches, then yields to the event
// loop so the control socket stays responsive under full load.

import { outputBufferBytes, XlatOutput } from '../xlat/output.js';
import type { Translator } from '../xlat/translator.js';
import { Verdict } from '../xlat/verdict.js';
import { PacketBatch, type TunDevice } from '../tun/tun-device.js';
import type { EngineCounters } from './counters.js';

const maxBatchesPerDrain = 64;

/** Where packets come from: a TUN, or the packet socket of the pre-6.17 path. */
export type PacketSource = Pick<TunDevice, 'batchSize' | 'read' | 'onReadable'>;

/** Where packets of one family go (TunDevice.write's contract). */
export type PacketSink = Pick<TunDevice, 'write'>;

export interface PacketSinks {
  readonly ipv4: PacketSink;
  readonly ipv6: PacketSink;
}

export class PacketLoop {
  private readonly batch: PacketBatch;
  private readonly out: XlatOutput;
  private readonly stopListening: (() => void)[] = [];
  private translator: Translator;

  constructor(
    private readonly sources: readonly PacketSource[],
    private readonly sinks: PacketSinks,
    translator: Translator,
    private readonly counters: EngineCounters,
    slotBytes: number,
  ) {
    this.translator = translator;
    // One batch for all sources: each drain finishes with it before another source reads.
    const capacity = Math.max(...sources.map((source) => source.batchSize));
    const batchBytes = capacity * slotBytes;
    const arena = new Uint8Array(batchBytes + outputBufferBytes(0));
    this.batch = new PacketBatch(capacity, slotBytes, arena.subarray(0, batchBytes));
    this.out = new XlatOutput(arena, 0, batchBytes);
  }

  /** Uses `translator` from the next packet on (a new prefix, a new CLAT address). */
  setTranslator(translator: Translator): void {
    this.translator = translator;
  }

  start(): void {
    for (const source of this.sources) this.stopListening.push(source.onReadable(() => this.drain(source)));
  }

  stop(): void {
    for (const stop of this.stopListening.splice(0)) stop();
  }

  /** Reads and translates what is waiting, up to a bound; the source calls again while more waits. */
  drain(source: PacketSource): void {
    const { batch, out, counters, sinks } = this;
    for (let round = 0; round < maxBatchesPerDrain; round++) {
      const count = source.read(batch);
      if (count <= 0) return;
      for (let i = 0; i < count; i++) {
        const start = batch.starts[i];
        const length = batch.lengths[i];
        const isIpv4 = batch.bytes[start] >> 4 === 4;
        const verdict = this.translator.translateAt(batch.bytes, start, length, out);
        counters.verdicts[verdict]++;
        if (verdict === Verdict.translated) {
          if (isIpv4) {
            counters.translated46++;
            counters.bytes46 += length;
          } else {
            counters.translated64++;
            counters.bytes64 += length;
          }
        }
        if (out.count > 0) {
          const sink = out.family[0] === 4 ? sinks.ipv4 : sinks.ipv6;
          const written = sink.write(out.buffer, out.start, out.length, out.count);
          if (written < out.count) counters.writeFailures += out.count - Math.max(0, written);
        }
      }
    }
  }
}
