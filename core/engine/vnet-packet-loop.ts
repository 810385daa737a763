// The packet path over a TUN with offloads (core/tun/linux-tun.ts `offload`): one device is the
// source and the sink of both families (force-forwarding and nat66 delivery), and every packet in
// and out starts with a virtio-net header. What the offloads buy: the host's TCP hands over 64 KiB
// super-packets (TSO) whose headers are translated once (core/xlat/vnet-translate.ts) and that
// leave as one write, cut into segments by the kernel only where they meet a device without
// offloads; their partial checksums are passed on for the kernel to finish, not summed in
// JavaScript (a single packet's partial checksum is finished here: one sum over at most an MTU).
// The translator itself is the same as without offloads.
//
// Writes are staged: the outputs of one read batch are copied into a staging area and written
// with one addon call at the end of the batch. Consecutive IPv6 UDP datagrams of one flow join
// into one USO super-packet there (core/xlat/udp-coalesce.ts), so a burst of small datagrams costs
// one write; consecutive IPv4 TCP segments of one flow coming back join into one TSO super-packet
// (core/xlat/tcp-coalesce.ts, GRO's rules), so a download reaches the host's TCP in large pieces.
// Super-packets and multi-packet outputs (fragments) are written at once, after what is staged,
// so the order of packets on the device is the order they were translated in.
//
// Like packet-loop.ts: nothing is allocated per packet (read slots, scratch for user-space UDP
// segmentation, staging and the translator's output share one arena), a drain handles a bounded
// number of batches and then yields, observers see every translated packet (a super-packet as one),
// and the last packet of a batch is written before the observers see it.

import { copyBytes } from '../xlat/copy-bytes.js';
import { outputBufferBytes, XlatOutput } from '../xlat/output.js';
import type { Translator } from '../xlat/translator.js';
import { udpSegmentCount, writeUdpSegment } from '../xlat/udp-segment.js';
import { canJoinTcp4, coalescableTcp4Headers, joinTcp4, tcp4ChecksumIsValid } from '../xlat/tcp-coalesce.js';
import { canJoinUdp6, coalescableUdp6Payload, joinUdp6, maxCoalescedSegments } from '../xlat/udp-coalesce.js';
import { Verdict } from '../xlat/verdict.js';
import { plainHeaders, vnetMismatch, vnetNeedsSegmentation, VnetTranslation } from '../xlat/vnet-translate.js';
import { virtioNetHeader, vnetGsoSize, vnetGsoType } from '../wire/virtio-net-header.js';
import { PacketBatch, type TunDevice } from '../tun/tun-device.js';
import type { PacketObserver } from '../observe/packet-observer.js';
import { direction46, direction64, EngineDrop, protocolColumn, type TrafficCounters } from '../observe/traffic-counters.js';
import { isClatTraffic, maxBatchesPerDrain, quietBatch, writeDropReason, type ClatAddresses } from './packet-loop.js';

const vnetBytes = virtioNetHeader.bytes;
/** A read slot: the virtio-net header and the largest IP packet (64 KiB), with a little to spare. */
const vnetSlotBytes = vnetBytes + 65_535 + 119;

/** Staging: room for the writes of one read batch (and a coalesced group of up to 64 KiB). */
const stagingBytes = 256 * 1024;
const maxStaged = 128;
/** Outputs up to this size are staged; longer ones (super-packets) are written where they are. */
const maxStagedPacketBytes = 2048;

const groupNone = 0;
const groupUdp6 = 1;
const groupTcp4 = 2;

/** The device as this loop uses it: packets with virtio-net headers, one fd for both families. */
export type VnetDevice = Pick<TunDevice, 'batchSize' | 'read' | 'write' | 'onReadable'>;

export class VnetPacketLoop {
  private readonly batch: PacketBatch;
  private readonly out: XlatOutput;
  private readonly vnet = new VnetTranslation();
  private readonly arena: Uint8Array;
  /** Where a user-space UDP segment is built before it is translated. */
  private readonly scratch: number;
  /** Write list, virtio-net headers included: staged packets, or one translation's outputs. */
  private readonly writeStarts = new Int32Array(maxStaged);
  private readonly writeLengths = new Int32Array(maxStaged);
  /** Wire packets each write stands for (a coalesced group counts its datagrams). */
  private readonly writeSegments = new Int32Array(maxStaged);
  private staged = 0;
  /** Where staging begins in the arena, and where the next staged packet's header goes. */
  private readonly stagingStart: number;
  private stagingEnd: number;
  /** The open group (the last staged packet, if one may join it): its kind, the payload size of
   * its segments, and (TCP) its header length. */
  private groupKind = groupNone;
  private groupGsoSize = 0;
  private groupHeaderBytes = 0;
  private readonly observers: PacketObserver[] = [];
  private stopListening: (() => void) | undefined;
  private translator: Translator;

  constructor(
    private readonly device: VnetDevice,
    translator: Translator,
    private readonly counters: TrafficCounters,
    private readonly clat: ClatAddresses | null = null,
  ) {
    this.translator = translator;
    const capacity = device.batchSize;
    const batchBytes = capacity * vnetSlotBytes;
    this.scratch = batchBytes;
    this.stagingStart = this.stagingEnd = batchBytes + vnetSlotBytes;
    const outBase = this.stagingStart + stagingBytes;
    this.arena = new Uint8Array(outBase + outputBufferBytes(vnetBytes));
    this.batch = new PacketBatch(capacity, vnetSlotBytes, this.arena.subarray(0, batchBytes));
    this.out = new XlatOutput(this.arena, vnetBytes, outBase);
  }

  /** Adds an observer (flows, traces): it sees every packet after translation, without its virtio-net header. */
  addObserver(observer: PacketObserver): void {
    this.observers.push(observer);
  }

  setTranslator(translator: Translator): void {
    this.translator = translator;
  }

  start(): void {
    this.stopListening ??= this.device.onReadable(() => this.drain());
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /** Reads and translates what is waiting, up to a bound; the device calls again while more waits. */
  drain(): void {
    const { batch, arena: b, out, counters } = this;
    for (let round = 0; round < maxBatchesPerDrain; round++) {
      const count = this.device.read(batch);
      if (count <= 0) return;
      for (let i = 0; i < count; i++) {
        const s = batch.starts[i] + vnetBytes;
        const n = batch.lengths[i] - vnetBytes;
        if (n < 1) {
          counters.engineDrops[EngineDrop.offloadMismatch]++;
          continue;
        }
        const isIpv4 = b[s] >> 4 === 4;
        if (this.clat !== null && !isClatTraffic(this.clat, counters, b, s, n, isIpv4)) continue;
        const isSuperPacket = vnetGsoType(b, s - vnetBytes) !== 0;
        const verdict = this.vnet.translate(this.translator, b, s, n, out);
        if (verdict === vnetMismatch) {
          counters.engineDrops[EngineDrop.offloadMismatch]++;
          continue;
        }
        if (isSuperPacket) counters.superPackets[isIpv4 ? direction46 : direction64]++;
        const last = i === count - 1;
        if (verdict === vnetNeedsSegmentation) {
          this.segmentAndTranslate(s, n, isIpv4, last);
          continue;
        }
        this.finish(s, n, isIpv4, verdict, last);
      }
      this.flush();
      // A batch of a few packets ended where the device had nothing more (readBatch reads until
      // EAGAIN): light traffic, where another read would only say so again, a system call in every
      // packet's latency. Under load more has come in while this batch was translated: read on.
      if (count < quietBatch) return;
    }
  }

  /**
   * Counts and writes one translation's outputs, then shows the observers. `last`: the last packet
   * of the read batch, whose outputs are written at once, before the observers run: what they do
   * is not in the packet's latency.
   */
  private finish(s: number, n: number, isIpv4: boolean, verdict: number, last: boolean): void {
    const { arena: b, out, counters } = this;
    counters.verdicts[verdict]++;
    if (verdict === Verdict.translated) this.countTranslated(b, s, n, isIpv4);
    else counters.generatedErrors += out.count;
    if (out.count === 1 && out.length[0] <= maxStagedPacketBytes) {
      this.stage(this.vnet.finishedChecksum);
      if (last) this.flush();
    } else if (out.count > 0) {
      this.flush();
      const starts = this.writeStarts;
      const lengths = this.writeLengths;
      for (let k = 0; k < out.count; k++) {
        starts[k] = out.start[k] - vnetBytes;
        lengths[k] = out.length[k] + vnetBytes;
        this.writeSegments[k] = k === 0 ? this.vnet.segments : 1;
      }
      this.write(out.count);
    }
    // Staging and writing copy from `out`; they leave it as the translator wrote it.
    if (this.observers.length > 0) {
      const nowMs = performance.now();
      for (const observer of this.observers) observer.observe(b, s, n, verdict, out, nowMs);
    }
  }

  /**
   * Copies the one output into staging, or joins it to the open group there: IPv6 UDP datagrams
   * of one flow going out (udp-coalesce.ts), IPv4 TCP segments of one flow coming back
   * (tcp-coalesce.ts). `trusted`: its checksum was finished here (udp-coalesce.ts says why that matters).
   */
  private stage(trusted: boolean): void {
    const { arena: b, out } = this;
    const p = out.start[0];
    const length = out.length[0];
    const last = this.staged - 1;
    const room = this.stagingStart + stagingBytes - this.stagingEnd;
    if (this.groupKind === groupUdp6) {
      const payload = trusted ? coalescableUdp6Payload(b, p, length) : -1;
      const g = this.writeStarts[last] + vnetBytes;
      const groupLength = this.writeLengths[last] - vnetBytes;
      if (payload > 0 && payload <= room && canJoinUdp6(b, g, groupLength, this.writeSegments[last], this.groupGsoSize, p, payload)) {
        this.joined(joinUdp6(b, g, groupLength, this.groupGsoSize, p, length), payload < this.groupGsoSize);
        return;
      }
    } else if (this.groupKind === groupTcp4) {
      const headerBytes = coalescableTcp4Headers(b, p, length);
      const g = this.writeStarts[last] + vnetBytes;
      const groupLength = this.writeLengths[last] - vnetBytes;
      if (
        headerBytes === this.groupHeaderBytes && length - headerBytes <= room && this.writeSegments[last] < maxCoalescedSegments &&
        canJoinTcp4(b, g, groupLength, this.groupGsoSize, p, length, headerBytes) &&
        // The first segment's checksum is checked when the second joins, as it then stops being its own.
        tcp4ChecksumIsValid(b, p, length) && (this.writeSegments[last] > 1 || tcp4ChecksumIsValid(b, g, groupLength))
      ) {
        const total = joinTcp4(b, g, groupLength, this.groupGsoSize, p, length, headerBytes);
        this.joined(total, length - headerBytes < this.groupGsoSize || (b[g + 33] & 0x08) !== 0);
        return;
      }
    }
    // A new entry, with room for a group it may start to grow to 64 KiB.
    if (this.staged === maxStaged || room < vnetBytes + 65_535) this.flush();
    const at = this.stagingEnd;
    copyBytes(b, p - vnetBytes, b, at, length + vnetBytes);
    this.writeStarts[this.staged] = at;
    this.writeLengths[this.staged] = length + vnetBytes;
    this.writeSegments[this.staged] = this.vnet.segments;
    this.staged++;
    this.stagingEnd = at + length + vnetBytes;
    this.groupKind = groupNone;
    const payload = trusted ? coalescableUdp6Payload(b, at + vnetBytes, length) : -1;
    if (payload > 0) {
      this.groupKind = groupUdp6;
      this.groupGsoSize = payload;
      return;
    }
    const headerBytes = this.vnet.segments === 1 ? coalescableTcp4Headers(b, at + vnetBytes, length) : -1;
    if (headerBytes > 0 && (b[at + vnetBytes + 33] & 0x08) === 0) {
      this.groupKind = groupTcp4;
      this.groupGsoSize = length - headerBytes;
      this.groupHeaderBytes = headerBytes;
    }
  }

  /** The last staged entry grew to `total` bytes by one more segment; `closed`: no more may join. */
  private joined(total: number, closed: boolean): void {
    const last = this.staged - 1;
    this.stagingEnd += total + vnetBytes - this.writeLengths[last];
    this.writeLengths[last] = total + vnetBytes;
    this.writeSegments[last]++;
    // A second segment makes it a super-packet: IPv4 written is a reply coming in (64), IPv6 one going out (46).
    if (this.writeSegments[last] === 2) this.counters.superPackets[this.arena[this.writeStarts[last] + vnetBytes] >> 4 === 4 ? direction64 : direction46]++;
    if (closed) this.groupKind = groupNone;
  }

  /** Writes what is staged. */
  private flush(): void {
    if (this.staged === 0) return;
    const count = this.staged;
    this.staged = 0;
    this.stagingEnd = this.stagingStart;
    this.groupKind = groupNone;
    this.write(count);
  }

  /** Writes the first `count` entries of the write list; what the device refuses is a counted drop. */
  private write(count: number): void {
    const written = this.device.write(this.arena, this.writeStarts, this.writeLengths, count);
    if (written >= count) return;
    let dropped = 0;
    for (let k = Math.max(0, written); k < count; k++) dropped += this.writeSegments[k];
    this.counters.engineDrops[writeDropReason(written)] += dropped;
  }

  /**
   * A UDP super-packet whose datagrams do not fit the other side once translated: each datagram
   * is cut out in user space and translated on its own (core/xlat/udp-segment.ts).
   */
  private segmentAndTranslate(s: number, n: number, isIpv4: boolean, last: boolean): void {
    const { arena: b, out, vnet } = this;
    const gsoSize = vnetGsoSize(b, s - vnetBytes);
    const segments = udpSegmentCount(n, vnet.headerBytes, gsoSize);
    const d = this.scratch + vnetBytes;
    for (let k = 0; k < segments; k++) {
      const length = writeUdpSegment(b, s, n, vnet.l4, gsoSize, k, b, d);
      const verdict = this.translator.translateAt(b, d, length, out);
      plainHeaders(out);
      vnet.segments = 1;
      this.finish(d, length, isIpv4, verdict, last && k === segments - 1);
    }
  }

  /** Both sides of a translated packet, in wire packets and bytes (a super-packet counts its segments). */
  private countTranslated(b: Uint8Array, s: number, n: number, isIpv4: boolean): void {
    const { out, vnet } = this;
    const segments = vnet.segments;
    let outBytes = 0;
    for (let k = 0; k < out.count; k++) outBytes += out.length[k];
    let inBytes = n;
    if (segments > 1) {
      // Every segment after the first repeats the headers.
      inBytes += (segments - 1) * vnet.headerBytes;
      outBytes += (segments - 1) * vnet.outHeaderBytes;
    }
    const outPackets = out.count === 1 ? segments : out.count;
    if (isIpv4) {
      this.counters.countTranslated(0, protocolColumn(b[s + 9]), segments, inBytes, outPackets, outBytes);
    } else {
      this.counters.countTranslated(1, protocolColumn(out.buffer[out.start[0] + 9]), outPackets, outBytes, segments, inBytes);
    }
  }
}
