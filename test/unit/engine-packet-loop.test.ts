// The packet loop over the in-memory TUN: a CLAT's IPv4 packet comes back as its IPv6 translation,
// the IPv6 reply comes back as IPv4 to 192.0.0.1, counters follow, and a prefix change takes effect
// on the next packet. With a second source that reports flags, as the packet socket does: flagged
// packets are named drops, and merged TCP beyond the MTU reaches the IPv4 side as one packet.

import { describe, expect, it } from 'vitest';
import { counterSummary } from '../../core/engine/counters.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';
import { PacketLoop } from '../../core/engine/packet-loop.js';
import { MemoryTun } from '../../core/tun/memory-tun.js';
import { ReadFlag, type PacketBatch } from '../../core/tun/tun-device.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { Translator } from '../../core/xlat/translator.js';
import { addr6, ipv4, ipv6, tcp, udp, pattern } from './packet-builder.js';
import { packetProblems, readIpv4, readIpv6 } from './packet-check.js';

const clatIpv6 = '2001:db8:1:2::c1a7';

function clatTranslator(pool6: string): Translator {
  const parsed = parseSiitConfig({ pool6, eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }], selfIpv4: '192.0.0.2', selfIpv6: clatIpv6 });
  if (!parsed.ok) throw new Error(parsed.error);
  return new Translator(parsed.config);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('packet loop', () => {
  it('translates both ways through one TUN and counts', async () => {
    const tun = new MemoryTun({ batchSize: 4 });
    const counters = new TrafficCounters();
    const loop = new PacketLoop([tun], { ipv4: tun, ipv6: tun }, clatTranslator('2001:db8:64::/96'), counters, 2048, { ipv4: 0xc0000001, ipv6: addr6(clatIpv6) });
    loop.start();
    const request = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', ttl: 64 }, udp({ payload: pattern(100) }));
    for (let i = 0; i < 10; i++) tun.inject(request);
    tun.inject(ipv6({ src: '2001:db8:64::cb00:710a', dst: clatIpv6, hopLimit: 64 }, udp({ payload: pattern(50) })));
    await settle();
    const written = tun.takeWritten();
    expect(written).toHaveLength(11);
    for (const packet of written) expect(packetProblems(packet)).toEqual([]);
    expect(readIpv6(written[0]).src).toBe(clatIpv6);
    expect(readIpv6(written[0]).dst).toBe('2001:db8:64::cb00:710a');
    expect(readIpv4(written[10]).dst).toBe('192.0.0.1');
    expect(readIpv4(written[10]).src).toBe('203.0.113.10');
    const summary = counterSummary(counters);
    expect(summary.translated46).toBe(10);
    expect(summary.translated64).toBe(1);
    expect(summary.bytes46).toBe(10 * request.length);
    const snapshot = counters.snapshot();
    expect(snapshot.out46.byProtocol.udp.ipv4).toEqual({ packets: 10, bytes: 10 * request.length });
    expect(snapshot.out46.byProtocol.udp.ipv6).toEqual({ packets: 10, bytes: 10 * (request.length + 20) });
    expect(snapshot.in64.byProtocol.udp.ipv6.packets).toBe(1);
    expect(snapshot.in64.byProtocol.tcp.ipv4.packets).toBe(0);

    loop.setTranslator(clatTranslator('2001:db8:6464::/96'));
    tun.inject(request);
    await settle();
    expect(readIpv6(tun.takeWritten()[0]).dst).toBe('2001:db8:6464::cb00:710a');

    tun.inject(new Uint8Array([0x45, 0, 0, 3])); // truncated
    // Not the CLAT's: another IPv4 source, another IPv6 destination.
    tun.inject(ipv4({ src: '192.0.0.7', dst: '203.0.113.10', ttl: 64 }, udp({ payload: pattern(10) })));
    tun.inject(ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::99', hopLimit: 64 }, udp({ payload: pattern(10) })));
    await settle();
    expect(tun.takeWritten()).toEqual([]);
    expect(counters.snapshot().dropped).toEqual({ truncated: 1, spoofedSource: 1, notForClat: 1 });
    loop.stop();
    tun.close();
  });
});

/** A source like the packet socket's: packets with the ReadFlag its reader gave them, in slots of 64 KiB. */
class FlaggingSource {
  readonly batchSize = 8;
  readonly slotBytes = 65_536;
  private readonly waiting: { packet: Uint8Array; flag: number }[] = [];

  push(packet: Uint8Array, flag: number = ReadFlag.none): void {
    this.waiting.push({ packet, flag });
  }

  read(batch: PacketBatch): number {
    const taken = this.waiting.splice(0, batch.capacity);
    taken.forEach(({ packet, flag }, i) => {
      batch.bytes.set(packet, batch.starts[i]);
      batch.lengths[i] = packet.length;
      batch.flags[i] = flag;
    });
    batch.count = taken.length;
    return taken.length;
  }

  onReadable(): () => void {
    return () => {};
  }
}

describe('packet loop with a source that flags packets (the packet socket)', () => {
  it('counts flagged packets as named drops, translates merged TCP as one IPv4 packet, refuses merged UDP', () => {
    const tun = new MemoryTun({ batchSize: 8 });
    const socket = new FlaggingSource();
    const counters = new TrafficCounters();
    const loop = new PacketLoop([tun, socket], { ipv4: tun, ipv6: tun }, clatTranslator('2001:db8:64::/96'), counters, 2048, { ipv4: 0xc0000001, ipv6: addr6(clatIpv6) });
    const reply = (l4: ReturnType<typeof tcp>) => ipv6({ src: '2001:db8:64::cb00:710a', dst: clatIpv6, hopLimit: 64 }, l4);
    const mergedTcp = reply(tcp({ payload: pattern(40_000) }));
    socket.push(reply(udp({ payload: pattern(100) })), ReadFlag.cut);
    socket.push(reply(udp({ payload: pattern(100) })), ReadFlag.checksumUnfinished);
    socket.push(mergedTcp);
    socket.push(reply(udp({ payload: pattern(3000) })));
    loop.drain(socket);
    const written = tun.takeWritten();
    expect(written).toHaveLength(1);
    expect(written[0].length).toBe(mergedTcp.length - 20);
    expect(packetProblems(written[0])).toEqual([]);
    expect(readIpv4(written[0])).toMatchObject({ src: '203.0.113.10', dst: '192.0.0.1', df: true });
    expect(counters.snapshot().dropped).toEqual({ cutOnRead: 1, checksumUnfinished: 1, mergedUntranslatable: 1 });
    expect(counters.snapshot().in64.byProtocol.tcp.ipv6).toEqual({ packets: 1, bytes: mergedTcp.length });

    // The TUN's packets land in the same slots next: the flags acted on are not theirs.
    const request = ipv4({ src: '192.0.0.1', dst: '203.0.113.10', ttl: 64 }, udp({ payload: pattern(10) }));
    tun.inject(request);
    tun.inject(request);
    loop.drain(tun);
    expect(tun.takeWritten()).toHaveLength(2);
    expect(counterSummary(counters).translated46).toBe(2);
    tun.close();
  });
});
