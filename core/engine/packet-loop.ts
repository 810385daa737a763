// The packet path: TUN → translator → TUN. With force-forwarding delivery one TUN carries both
// families: IPv4 packets of host programs (to translate to IPv6) and IPv6 packets the kernel
// forwards to the CLAT address (to translate to IPv4); every output goes back into the same TUN,
// where the kernel delivers IPv4 to the host and routes IPv6 out of the uplink.
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

export class PacketLoop {
  private readonly batch: PacketBatch;
  private readonly out: XlatOutput;
  private stopListening: (() => void) | null = null;
  private translator: Translator;

  constructor(
    private readonly device: TunDevice,
    translator: Translator,
    private readonly counters: EngineCounters,
    slotBytes: number,
  ) {
    this.translator = translator;
    const batchBytes = device.batchSize * slotBytes;
    const arena = new Uint8Array(batchBytes + outputBufferBytes(0));
    this.batch = new PacketBatch(device.batchSize, slotBytes, arena.subarray(0, batchBytes));
    this.out = new XlatOutput(arena, 0, batchBytes);
  }

  /** Uses `translator` from the next packet on (a new prefix, a new CLAT address). */
  setTranslator(translator: Translator): void {
    this.translator = translator;
  }

  start(): void {
    this.stopListening = this.device.onReadable(() => this.drain());
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
  }

  /** Reads and translates what is waiting, up to a bound; the device calls again while more waits. */
  drain(): void {
    const { batch, out, device, counters } = this;
    for (let round = 0; round < maxBatchesPerDrain; round++) {
      const count = device.read(batch);
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
          const written = device.write(out.buffer, out.start, out.length, out.count);
          if (written < out.count) counters.writeFailures += out.count - Math.max(0, written);
        }
      }
    }
  }
}
