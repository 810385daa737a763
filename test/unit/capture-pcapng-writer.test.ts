import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../core/capture/pcapng-writer.js';
import { readCapture } from '../../core/capture/read-capture.js';
import { encodeUtf8 } from '../../core/capture/utf8.js';
import { concat, ipv4Udp, ipv6Udp } from './capture-fixtures.js';
import { tshark } from './tshark.js';

const editcap = '/usr/bin/editcap';
const directory = mkdtempSync(join(tmpdir(), 'clatter-capture-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function readBack(bytes: Uint8Array) {
  const result = readCapture(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.capture;
}

describe('PcapngWriter', () => {
  it('round-trips packets, timestamps and order through the reader', () => {
    const writer = new PcapngWriter();
    const v4 = writer.addInterface('ipv4-side');
    const v6 = writer.addInterface('ipv6-side');
    const packets = [ipv4Udp(1), ipv6Udp(2), ipv4Udp(3), ipv6Udp(0)];
    const times = [0n, 1_700_000_000_123_456_789n, 1n << 40n, (1n << 64n) - 1n];
    packets.forEach((packet, i) => writer.addPacket(i % 2 === 0 ? v4 : v6, times[i], packet, i === 1 ? undefined : `packet ${i}`));
    const capture = readBack(writer.take());
    expect(capture.format).toBe('pcapng');
    expect(capture.damaged).toEqual([]);
    expect(capture.packets.map((p) => p.index)).toEqual([1, 2, 3, 4]);
    expect(capture.packets.map((p) => p.timestampNs)).toEqual(times);
    expect(capture.packets.map((p) => p.data)).toEqual(packets);
  });

  it('streams: the takes concatenated are the file', () => {
    const oneShot = new PcapngWriter();
    const streamed = new PcapngWriter({ initialBytes: 256 });
    const chunks: Uint8Array[] = [streamed.take()];
    for (const writer of [oneShot, streamed]) writer.addInterface('tun0');
    chunks.push(streamed.take());
    for (let i = 0; i < 50; i++) {
      const packet = ipv4Udp(i * 37, 64, i); // up to ~1.8 KiB: the 256-byte buffer must grow
      oneShot.addPacket(0, BigInt(i) * 1000n, packet, `#${i}`);
      streamed.addPacket(0, BigInt(i) * 1000n, packet, `#${i}`);
      if (i % 7 === 3) chunks.push(streamed.take());
    }
    expect(streamed.pendingBytes).toBeGreaterThan(0);
    chunks.push(streamed.take());
    expect(streamed.pendingBytes).toBe(0);
    expect(streamed.take()).toHaveLength(0);
    const whole = oneShot.take();
    expect(concat(...chunks)).toEqual(whole);
    expect(readBack(whole).packets).toHaveLength(50);
  });

  it('copies packets, so the caller may reuse its buffer', () => {
    const writer = new PcapngWriter();
    writer.addInterface('x');
    const buffer = ipv4Udp(4);
    const original = buffer.slice();
    writer.addPacket(0, 5n, buffer);
    buffer.fill(0xee);
    expect(readBack(writer.take()).packets[0].data).toEqual(original);
  });

  it('pads blocks to 4 bytes for every packet length', () => {
    const writer = new PcapngWriter();
    writer.addInterface('odd');
    for (let length = 0; length < 9; length++) writer.addPacket(0, 0n, new Uint8Array(length).fill(0x45), 'é'.repeat(length));
    const bytes = writer.take();
    expect(bytes.length % 4).toBe(0);
    expect(readBack(bytes).packets.map((p) => p.data.length)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses packets for interfaces it never added, and impossible timestamps', () => {
    const writer = new PcapngWriter();
    expect(() => writer.addPacket(0, 0n, ipv4Udp())).toThrow(RangeError);
    writer.addInterface('a');
    expect(() => writer.addPacket(1, 0n, ipv4Udp())).toThrow(RangeError);
    expect(() => writer.addPacket(0, -1n, ipv4Udp())).toThrow(RangeError);
    expect(() => writer.addPacket(0, 1n << 64n, ipv4Udp())).toThrow(RangeError);
    expect(writer.interfaces).toBe(1);
  });
});

describe('encodeUtf8', () => {
  it('matches TextEncoder, lone surrogates included', () => {
    const encoder = new TextEncoder();
    for (const text of ['', 'ascii', 'é→😀', '\u{10ffff}\u0800\u07ff', '\ud800x', 'x\udc00', '\ud83d']) {
      expect(encodeUtf8(text)).toEqual(encoder.encode(text));
    }
  });
});

describe('tshark reads what the writer writes', () => {
  it('finds the interface names, comments, timestamps and IP packets', () => {
    const writer = new PcapngWriter();
    writer.addInterface('ipv4-side');
    writer.addInterface('ipv6-side');
    writer.addPacket(0, 1_700_000_000_000_000_001n, ipv4Udp(4), 'from input packet #1 (translated)');
    writer.addPacket(1, 1_700_000_000_500_000_000n, ipv6Udp(4), 'ICMP error → #2 (ttlExpired) é');
    writer.addPacket(1, 1_700_000_001_000_000_000n, ipv6Udp(8));
    const file = join(directory, 'written.pcapng');
    writeFileSync(file, writer.take());
    const output = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_name', '-e', 'frame.comment', '-e', 'frame.time_epoch', '-e', 'frame.protocols']);
    expect(output.trimEnd().split('\n')).toEqual([
      'ipv4-side|from input packet #1 (translated)|1700000000.000000001|raw:ip:udp:data',
      'ipv6-side|ICMP error → #2 (ttlExpired) é|1700000000.500000000|raw:ipv6:udp:data',
      'ipv6-side||1700000001.000000000|raw:ipv6:udp:data',
    ]);
    // Wireshark checks every checksum: the writer must hand the packets over byte for byte.
    const checks = tshark(['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status']);
    expect(checks.trimEnd().split('\n')).toEqual(['1|1', '|1', '|1']); // 1: good
  });

  it('reads back what editcap converts the file to (pcap µs, pcap ns, pcapng)', () => {
    const writer = new PcapngWriter();
    writer.addInterface('tun0');
    const packets = [ipv4Udp(4), ipv6Udp(5), ipv4Udp(6)];
    packets.forEach((packet, i) => writer.addPacket(0, 1_700_000_000_123_456_789n + BigInt(i), packet, `#${i}`));
    const source = join(directory, 'source.pcapng');
    writeFileSync(source, writer.take());
    for (const [format, fraction] of [['pcap', 1000n], ['nsecpcap', 1n], ['pcapng', 1n]] as const) {
      const converted = join(directory, `converted.${format}`);
      execFileSync(editcap, ['-F', format, source, converted], { stdio: ['ignore', 'pipe', 'pipe'] });
      const capture = readBack(new Uint8Array(readFileSync(converted)));
      expect(capture.format).toBe(format === 'pcapng' ? 'pcapng' : 'pcap');
      expect(capture.packets.map((p) => p.data)).toEqual(packets);
      expect(capture.packets.map((p) => p.timestampNs)).toEqual(
        packets.map((_, i) => ((1_700_000_000_123_456_789n + BigInt(i)) / fraction) * fraction),
      );
    }
  });
});
