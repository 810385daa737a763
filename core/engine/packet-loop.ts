// The packet path: sources → translator → a sink per family. With force-forwarding delivery one
// TUN is the only source and both sinks: it carries IPv4 packets of host programs (to translate to
// IPv6) and IPv6 packets the kernel forwards to the CLAT address (to translate to IPv4), and every
// output goes back into it, where the kernel delivers IPv4 to the host and routes IPv6 out of the
// uplink. With packet-socket delivery (kernels before 6.17) the IPv6 packets come from a packet
// socket on the uplink and leave through a raw socket (core/engine/packet-socket-path.ts).
// A packet socket sees packets as the kernel holds them: its reader finishes partial checksums and
// flags what it cannot make whole (PacketBatch.flags, counted here as named drops), and TCP that GRO
// merged beyond the MTU is translated as one IPv4 packet (core/xlat/merged-translate.ts).
//
// One translation's outputs all leave by one side (translations go across, an ICMP error the
// translator generates goes back), so they are written to one sink in one call.
//
// Nothing is allocated per packet: the read batch and the translator's output share one arena, so
// the translator copies with copyWithin; the translator is swapped, not rebuilt per packet, when
// the NAT64 prefix changes. A drain handles a bounded number of batches, then yields to the event
// loop so the control socket stays responsive under full load.

import { mergedUntranslatable, translateMerged64 } from '../xlat/merged-translate.js';
import { outputBufferBytes, XlatOutput } from '../xlat/output.js';
import type { Translator } from '../xlat/translator.js';
import { Verdict } from '../xlat/verdict.js';
import { PacketBatch, ReadFlag, type TunDevice } from '../tun/tun-device.js';
import type { PacketObserver } from '../observe/packet-observer.js';
import { EngineDrop, protocolColumn, type TrafficCounters } from '../observe/traffic-counters.js';

/** Read batches a drain takes before it yields to the event loop. */
export const maxBatchesPerDrain = 64;
/** A read batch this short means light traffic (see drain). */
export const quietBatch = 8;

/**
 * Where packets come from: a TUN, or the packet socket of the pre-6.17 path. `slotBytes`: room a
 * packet of this source needs, when more than the loop's (merged packets of up to 64 KiB).
 */
export type PacketSource = Pick<TunDevice, 'batchSize' | 'read' | 'onReadable'> & { readonly slotBytes?: number };

/** Where packets of one family go (TunDevice.write's contract). */
export type PacketSink = Pick<TunDevice, 'write'>;

export interface PacketSinks {
  readonly ipv4: PacketSink;
  readonly ipv6: PacketSink;
}

/** The CLAT's own addresses: anything else entering the loop is not the CLAT's to translate. */
export interface ClatAddresses {
  /** 192.0.0.1 as a number. */
  readonly ipv4: number;
  readonly ipv6: Uint8Array;
}

const errnoNetUnreachable = -101;
const errnoHostUnreachable = -113;

/** Why a sink refused a write (`written`, a negative errno): no route, or any other failure. */
export function writeDropReason(written: number): number {
  return written === errnoNetUnreachable || written === errnoHostUnreachable ? EngineDrop.noRoute : EngineDrop.writeFailed;
}

export class PacketLoop {
  private readonly batch: PacketBatch;
  private readonly out: XlatOutput;
  private readonly stopListening: (() => void)[] = [];
  private translator: Translator;
  private readonly observers: PacketObserver[] = [];

  constructor(
    private readonly sources: readonly PacketSource[],
    private readonly sinks: PacketSinks,
    translator: Translator,
    private readonly counters: TrafficCounters,
    slotBytes: number,
    private readonly clat: ClatAddresses | null = null,
  ) {
    this.translator = translator;
    // One batch for all sources: each drain finishes with it before another source reads.
    const capacity = Math.max(...sources.map((source) => source.batchSize));
    const slot = Math.max(slotBytes, ...sources.map((source) => source.slotBytes ?? 0));
    const batchBytes = capacity * slot;
    const arena = new Uint8Array(batchBytes + outputBufferBytes(0));
    this.batch = new PacketBatch(capacity, slot, arena.subarray(0, batchBytes));
    this.out = new XlatOutput(arena, 0, batchBytes);
  }

  /** Adds an observer (flows, traces): it sees every packet after translation. */
  addObserver(observer: PacketObserver): void {
    this.observers.push(observer);
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
        const b = batch.bytes;
        const start = batch.starts[i];
        const length = batch.lengths[i];
        const flag = batch.flags[i];
        if (flag !== ReadFlag.none) {
          batch.flags[i] = ReadFlag.none;
          counters.engineDrops[flag === ReadFlag.cut ? EngineDrop.cutOnRead : EngineDrop.checksumUnfinished]++;
          continue;
        }
        const isIpv4 = b[start] >> 4 === 4;
        if (this.clat !== null && !isClatTraffic(this.clat, counters, b, start, length, isIpv4)) continue;
        const translator = this.translator;
        // Longer than the IPv6 link carries: merged on the way in (only a packet socket sees such).
        const verdict = !isIpv4 && length > translator.config.mtu.ipv6 ? translateMerged64(translator, b, start, length, out) : translator.translateAt(b, start, length, out);
        if (verdict === mergedUntranslatable) {
          counters.engineDrops[EngineDrop.mergedUntranslatable]++;
          continue;
        }
        counters.verdicts[verdict]++;
        if (verdict === Verdict.translated) this.countTranslated(b, start, length, isIpv4);
        else counters.generatedErrors += out.count;
        // Written first, observed after: what the observers do is not in the packet's latency.
        if (out.count > 0) {
          const sink = out.family[0] === 4 ? sinks.ipv4 : sinks.ipv6;
          const written = sink.write(out.buffer, out.start, out.length, out.count);
          if (written < out.count) {
            counters.engineDrops[writeDropReason(written)] += out.count - Math.max(0, written);
          }
        }
        if (this.observers.length > 0) {
          const nowMs = performance.now();
          for (const observer of this.observers) observer.observe(b, start, length, verdict, out, nowMs);
        }
      }
      // A batch of a few packets ended where the source had nothing more (readBatch reads until
      // EAGAIN): light traffic, where another read would only say so again, a system call in every
      // packet's latency. Under load more has come in while this batch was translated: read on.
      if (count < quietBatch) return;
    }
  }

  /** Both sides of a translated packet: the input, and every output (fragments count each). */
  private countTranslated(b: Uint8Array, start: number, length: number, isIpv4: boolean): void {
    const out = this.out;
    let outBytes = 0;
    for (let k = 0; k < out.count; k++) outBytes += out.length[k];
    if (isIpv4) {
      this.counters.countTranslated(0, protocolColumn(b[start + 9]), 1, length, out.count, outBytes);
    } else {
      this.counters.countTranslated(1, protocolColumn(out.buffer[out.start[0] + 9]), out.count, outBytes, 1, length);
    }
  }
}

/** The CLAT translates only its own traffic: IPv4 from 192.0.0.1, IPv6 to its IPv6 address. */
export function isClatTraffic(clat: ClatAddresses, counters: TrafficCounters, b: Uint8Array, start: number, length: number, isIpv4: boolean): boolean {
  if (isIpv4) {
    if (length >= 20 && ((b[start + 12] << 24) | (b[start + 13] << 16) | (b[start + 14] << 8) | b[start + 15]) >>> 0 !== clat.ipv4) {
      counters.engineDrops[EngineDrop.spoofedSource]++;
      return false;
    }
    return true;
  }
  if (length >= 40) {
    for (let k = 0; k < 16; k++) {
      if (b[start + 24 + k] !== clat.ipv6[k]) {
        counters.engineDrops[EngineDrop.notForClat]++;
        return false;
      }
    }
  }
  return true;
}
