// The IPv6 side of the CLAT on kernels before 6.17, which cannot forward on one interface only
// (no force_forwarding): the way Android's clatd does it.
//   in:  a packet socket on the uplink, with a classic BPF filter passing only IPv6 packets for
//        the CLAT address (and not the neighbour discovery messages the kernel answers itself);
//   out: a raw IPv6 socket to which the translator's packets go whole, header included;
//   NS:  the CLAT address joined as anycast on the uplink, so the kernel answers neighbour
//        solicitations for it; the kernel's own copy of the packets is dropped by nftables
//        (core/host/host-setup.ts), since the packet socket has already seen them.
// Both sockets and the anycast membership end with the descriptors, so a crash leaves nothing.
//
// A packet socket hands packets over as the kernel holds them, not as they were on the wire: from a
// veth, virtio-net or a container's link with the TCP or UDP checksum left to be computed, and
// merged by GRO (or by a peer's TSO over a veth) into packets of up to 64 KiB. The reader makes each
// whole (core/tun/native/packet-read.c) and flags what it cannot; slots hold the largest merged
// packet, so that one is never cut short.

import { parseIpv6 } from '../wire/address.js';
import type { NativeAddon, WatchHandle } from '../tun/native-addon.js';
import { Bpf, encodeSockFilter, type SockFilter } from '../tun/sock-filter.js';
import type { PacketBatch } from '../tun/tun-device.js';
import type { PacketSink, PacketSource } from './packet-loop.js';

const acceptBytes = 262_144;

/**
 * A slot holds the largest packet GRO makes (gro_max_size, 64 KiB, is its whole length) and the
 * largest IPv6 packet without a jumbogram option; anything longer is read as cut (ReadFlag.cut).
 */
export const packetSocketSlotBytes = 65_536;

/**
 * IPv6 destination == `address`, and not ICMPv6 types 133-137 (RFC 4861 neighbour discovery,
 * which the kernel answers for the anycast address). Offsets are from the IPv6 header: a SOCK_DGRAM
 * packet socket's filter sees the packet from its network header.
 */
export function clatAddressFilter(address: Uint8Array): Uint8Array {
  const word = (i: number) => ((address[i] << 24) | (address[i + 1] << 16) | (address[i + 2] << 8) | address[i + 3]) >>> 0;
  const load = (offset: number): SockFilter => [Bpf.LD | Bpf.W | Bpf.ABS, 0, 0, offset];
  const reject = 13;
  const accept = 14;
  // jt/jf count the instructions to skip after the jump itself.
  const program: SockFilter[] = [
    load(24), [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, reject - 2, word(0)],
    load(28), [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, reject - 4, word(4)],
    load(32), [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, reject - 6, word(8)],
    load(36), [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, reject - 8, word(12)],
    [Bpf.LD | Bpf.B | Bpf.ABS, 0, 0, 6], // Next Header
    [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, accept - 10, 58],
    [Bpf.LD | Bpf.B | Bpf.ABS, 0, 0, 40], // ICMPv6 type
    [Bpf.JMP | Bpf.JGE | Bpf.K, 0, accept - 12, 133],
    [Bpf.JMP | Bpf.JGT | Bpf.K, accept - 13, 0, 137],
    [Bpf.RET | Bpf.K, 0, 0, 0],
    [Bpf.RET | Bpf.K, 0, 0, acceptBytes],
  ];
  return encodeSockFilter(program);
}

/** The IPv6 packets for the CLAT address, from a packet socket on the uplink. */
export class PacketSocketSource implements PacketSource {
  readonly batchSize = 64;
  readonly slotBytes = packetSocketSlotBytes;
  private watch: WatchHandle | null = null;

  private constructor(
    private readonly addon: NativeAddon,
    private readonly fd: number,
    /** The uplink's MTU: a longer packet was merged on the way in. */
    private readonly mtuBytes: number,
  ) {}

  static open(addon: NativeAddon, uplink: string, clatIpv6: string): { ok: true; source: PacketSocketSource } | { ok: false; error: string } {
    const address = parseIpv6(clatIpv6);
    if (address === undefined) return { ok: false, error: `not an IPv6 address: ${clatIpv6}` };
    const mtu = addon.ifMtu(uplink);
    if (mtu < 0) return { ok: false, error: `cannot read the MTU of ${uplink} (errno ${-mtu})` };
    const fd = addon.packetOpen(uplink, clatAddressFilter(address));
    if (fd < 0) return { ok: false, error: `cannot open a packet socket on ${uplink} (errno ${-fd})` };
    return { ok: true, source: new PacketSocketSource(addon, fd, mtu) };
  }

  /** Reads as PacketSource.read, with each packet made whole or flagged (batch.flags). */
  read(batch: PacketBatch): number {
    const result = this.addon.packetReadBatch(this.fd, batch.bytes, batch.slotBytes, batch.capacity, batch.lengths, batch.flags, this.mtuBytes);
    batch.count = result > 0 ? result : 0;
    return result;
  }

  onReadable(listener: () => void): () => void {
    const watch = this.addon.watch(this.fd, () => listener());
    if (typeof watch === 'number') return () => {};
    this.watch = watch;
    return () => {
      this.addon.unwatch(watch);
      this.watch = null;
    };
  }

  close(): void {
    if (this.watch !== null) this.addon.unwatch(this.watch);
    this.watch = null;
    this.addon.close(this.fd);
  }
}

/** Translated IPv6 packets out through a raw socket; the same socket holds the anycast membership. */
export class RawIpv6Sink implements PacketSink {
  private constructor(
    private readonly addon: NativeAddon,
    private readonly fd: number,
  ) {}

  static open(addon: NativeAddon, uplink: string, clatIpv6: string): { ok: true; sink: RawIpv6Sink } | { ok: false; error: string } {
    const address = parseIpv6(clatIpv6);
    const ifIndex = addon.ifIndex(uplink);
    if (address === undefined || ifIndex < 0) return { ok: false, error: `no interface ${uplink} or bad address ${clatIpv6}` };
    const fd = addon.rawIp6SendOpen(uplink);
    if (fd < 0) return { ok: false, error: `cannot open a raw IPv6 socket (errno ${-fd})` };
    const joined = addon.joinAnycast6(fd, ifIndex, address);
    if (joined < 0) {
      addon.close(fd);
      return { ok: false, error: `cannot join ${clatIpv6} as anycast on ${uplink} (errno ${-joined})` };
    }
    return { ok: true, sink: new RawIpv6Sink(addon, fd) };
  }

  write(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number): number {
    return this.addon.sendBatch6(this.fd, bytes, starts, lengths, count);
  }

  close(): void {
    this.addon.close(this.fd);
  }
}
