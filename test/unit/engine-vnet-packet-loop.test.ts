// The packet loop over a TUN with offloads (virtio-net headers), on the in-memory TUN: a TSO
// super-packet leaves as one translated super-packet, a packet with a partial checksum leaves
// whole, replies come back with plain headers, counters count wire segments, and a header that
// does not fit its packet is a counted drop.

import { describe, expect, it } from 'vitest';
import { VnetPacketLoop } from '../../core/engine/vnet-packet-loop.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';
import { MemoryTun } from '../../core/tun/memory-tun.js';
import { pseudoHeaderSum4 } from '../../core/wire/partial-checksum.js';
import { decodeVnetHeader, encodeVnetHeader, virtioGsoType, virtioNetFlag, type VirtioNetHeaderFields } from '../../core/wire/virtio-net-header.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { Translator } from '../../core/xlat/translator.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { writeUdpSegment } from '../../core/xlat/udp-segment.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { addr6, concat, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { packetProblems, put16, readIpv4, readIpv6 } from './packet-check.js';

const clatIpv6 = '2001:db8:1:2::c1a7';
const server6 = '2001:db8:64::cb00:710a';

function clatTranslator(): Translator {
  const parsed = parseSiitConfig({ pool6: '2001:db8:64::/96', eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }], selfIpv4: '192.0.0.2', selfIpv6: clatIpv6 });
  if (!parsed.ok) throw new Error(parsed.error);
  return new Translator(parsed.config);
}

function withHeader(header: VirtioNetHeaderFields, packet: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(10);
  encodeVnetHeader(bytes, 0, header);
  return concat(bytes, packet);
}

const plain = { flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('packet loop with offloads', () => {
  it('carries a TSO super-packet as one, finishes partial checksums, counts segments', async () => {
    const tun = new MemoryTun({ batchSize: 4, vnetHeaderBytes: 10 });
    const counters = new TrafficCounters();
    const loop = new VnetPacketLoop(tun, clatTranslator(), counters, { ipv4: 0xc0000001, ipv6: addr6(clatIpv6) });
    loop.start();

    const superPacket = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', df: true }, tcp({ payload: pattern(14_000) }));
    put16(superPacket, 36, pseudoHeaderSum4(superPacket, 0, 6, superPacket.length - 20));
    tun.inject(withHeader({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4, hdrLen: 40, gsoSize: 1400, csumStart: 20, csumOffset: 16 }, superPacket));
    const datagram = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, udp({ payload: pattern(64) }));
    const whole = datagram.slice();
    put16(datagram, 26, pseudoHeaderSum4(datagram, 0, 17, datagram.length - 20));
    tun.inject(withHeader({ flags: virtioNetFlag.needsCsum, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 20, csumOffset: 6 }, datagram));
    tun.inject(withHeader(plain, ipv6({ src: server6, dst: clatIpv6 }, udp({ payload: pattern(50) }))));
    // TCPV4 on a UDP packet: dropped and counted.
    tun.inject(withHeader({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4, hdrLen: 0, gsoSize: 1400, csumStart: 20, csumOffset: 16 }, whole));
    await settle();
    loop.stop();

    const written = tun.takeWritten();
    expect(written).toHaveLength(3);
    expect(decodeVnetHeader(written[0], 0)).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv6, hdrLen: 60, gsoSize: 1400, csumStart: 40, csumOffset: 16 });
    expect(readIpv6(written[0].subarray(10)).payloadLen).toBe(20 + 14_000);
    expect(decodeVnetHeader(written[1], 0)).toEqual(plain);
    expect(packetProblems(written[1].subarray(10))).toEqual([]);
    expect(readIpv6(written[1].subarray(10)).src).toBe(clatIpv6);
    expect(decodeVnetHeader(written[2], 0)).toEqual(plain);
    expect(readIpv4(written[2].subarray(10)).dst).toBe('192.0.0.1');
    expect(packetProblems(written[2].subarray(10))).toEqual([]);

    const snapshot = counters.snapshot();
    // 14 000 bytes in 1400-byte segments: 10 TCP packets on each side, plus the UDP datagram.
    expect(snapshot.out46.byProtocol.tcp).toEqual({ ipv4: { packets: 10, bytes: 14_000 + 10 * 40 }, ipv6: { packets: 10, bytes: 14_000 + 10 * 60 } });
    expect(snapshot.out46.byProtocol.udp.ipv4.packets).toBe(1);
    expect(snapshot.in64.byProtocol.udp.ipv4.packets).toBe(1);
    // The TSO super-packet was read and written whole: one super-packet out, none in.
    expect([snapshot.out46.superPackets, snapshot.in64.superPackets]).toEqual([1, 0]);
    expect(snapshot.dropped).toEqual({ offloadMismatch: 1 });
  });

  it("coalesces a burst of one flow's UDP datagrams into one USO super-packet that segments back into them", async () => {
    const tun = new MemoryTun({ batchSize: 16, vnetHeaderBytes: 10 });
    const counters = new TrafficCounters();
    const loop = new VnetPacketLoop(tun, clatTranslator(), counters, { ipv4: 0xc0000001, ipv6: addr6(clatIpv6) });
    const partial = (payload: Uint8Array, dstPort = 5201) => {
      const datagram = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, udp({ srcPort: 40000, dstPort, payload }));
      const whole = datagram.slice();
      put16(datagram, 26, pseudoHeaderSum4(datagram, 0, 17, datagram.length - 20));
      tun.inject(withHeader({ flags: virtioNetFlag.needsCsum, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 20, csumOffset: 6 }, datagram));
      return whole;
    };
    const sent = [0, 1, 2, 3, 4].map((k) => partial(pattern(64, k)));
    sent.push(partial(pattern(20, 9))); // shorter: the group's last
    sent.push(partial(pattern(64, 10))); // a new group
    const other = partial(pattern(64, 11), 5202); // another flow
    // A datagram whose checksum the host's stack did not leave partial never joins.
    const full = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, udp({ srcPort: 40000, dstPort: 5202, payload: pattern(64, 12) }));
    tun.inject(withHeader(plain, full));
    loop.start();
    await settle();
    loop.stop();

    const written = tun.takeWritten();
    expect(written).toHaveLength(4);
    const group = written[0];
    expect(decodeVnetHeader(group, 0)).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.udpL4, hdrLen: 48, gsoSize: 64, csumStart: 40, csumOffset: 6 });
    const superPacket = group.subarray(10);
    expect(readIpv6(superPacket).payloadLen).toBe(8 + 5 * 64 + 20);
    // Cut apart again (as __udp_gso_segment does), the datagrams are the translations of those sent.
    const dst = new Uint8Array(200);
    for (let k = 0; k < 6; k++) {
      const length = writeUdpSegment(superPacket, 0, superPacket.length, 40, 64, k, dst, 0);
      const datagram = dst.slice(0, length);
      expect(packetProblems(datagram)).toEqual([]);
      const one = new XlatOutput();
      expect(clatTranslator().translate46(sent[k], one)).toBe(Verdict.translated);
      expect(datagram).toEqual(one.packet(0));
    }
    expect(decodeVnetHeader(written[1], 0)).toEqual(plain);
    expect(readIpv6(written[1].subarray(10)).payloadLen).toBe(8 + 64);
    expect(packetProblems(written[2].subarray(10))).toEqual([]);
    expect(written[2].subarray(10 + 48)).toEqual(other.subarray(28));
    expect(decodeVnetHeader(written[3], 0)).toEqual(plain);
    expect(counters.snapshot().out46.byProtocol.udp.ipv6.packets).toBe(9);
  });

  it("coalesces a download's segments into one TSO super-packet for the host, but never one with a wrong checksum", async () => {
    const tun = new MemoryTun({ batchSize: 16, vnetHeaderBytes: 10 });
    const counters = new TrafficCounters();
    const loop = new VnetPacketLoop(tun, clatTranslator(), counters, { ipv4: 0xc0000001, ipv6: addr6(clatIpv6) });
    const mss = 1200;
    const segments = [0, 1, 2, 3, 4].map((k) =>
      ipv6({ src: server6, dst: clatIpv6, hopLimit: 60 }, tcp({ srcPort: 80, dstPort: 40000, seq: 1000 + k * mss, ack: 77, flags: 0x10, payload: pattern(mss, k) })),
    );
    segments[3][100] ^= 0x01; // damaged on the way: its checksum no longer matches
    for (const segment of segments) tun.inject(withHeader(plain, segment));
    loop.start();
    await settle();
    loop.stop();

    const written = tun.takeWritten();
    expect(written).toHaveLength(3);
    expect(decodeVnetHeader(written[0], 0)).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4, hdrLen: 40, gsoSize: mss, csumStart: 20, csumOffset: 16 });
    const superPacket = written[0].slice(10);
    expect(readIpv4(superPacket).totalLen).toBe(40 + 3 * mss);
    for (let k = 0; k < 3; k++) expect(superPacket.subarray(40 + k * mss, 40 + (k + 1) * mss)).toEqual(segments[k].subarray(60));
    // The damaged segment goes on alone, its checksum still wrong, for the host's TCP to drop.
    expect(decodeVnetHeader(written[1], 0)).toEqual(plain);
    expect(packetProblems(written[1].subarray(10))).toEqual([expect.stringMatching(/^protocol 6 checksum .* is wrong/)]);
    // The next one does not follow the group (the damaged one lies between): it starts anew.
    expect(decodeVnetHeader(written[2], 0)).toEqual(plain);
    expect(counters.snapshot().in64.byProtocol.tcp.ipv4.packets).toBe(5);
    // Three segments coalesced into one write: a super-packet in; the lone ones are not.
    expect([counters.snapshot().out46.superPackets, counters.snapshot().in64.superPackets]).toEqual([0, 1]);
  });
});
