// Trace pairs exported as pcapng: read back by our reader and by tshark, which must see both
// interfaces by their real names with the right packet counts, every checksum of an uncut packet
// valid, the length on the wire of a cut packet, and the comments linking each packet to its twin.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../core/capture/pcapng-writer.js';
import { readCapture } from '../../core/capture/read-capture.js';
import { parseTraceFilter } from '../../core/observe/trace-filter.js';
import { exportTracePcapng, writeTracePairs } from '../../core/observe/trace-export.js';
import type { ProgramInfo } from '../../core/observe/trace-pair.js';
import { TraceRing } from '../../core/observe/trace-ring.js';
import { clockOffsetMs, packets, Recorder } from './observe-trace-fixture.js';
import { tshark } from './tshark.js';

const directory = mkdtempSync(join(tmpdir(), 'clatter-trace-export-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const programs = new Map<number, ProgramInfo>([[1, { name: 'curl', pid: 812 }], [2, { name: 'dig' }]]);
const programOf = (flowId: number) => programs.get(flowId);
const sides = { ipv4Interface: 'clat', ipv6Interface: 'wlp2s0' };

/** The pairs of a short session, a millisecond apart, snap length 128. */
function session(): TraceRing {
  const recorder = new Recorder(new TraceRing({ snapBytes: 128, clockOffsetMs }));
  recorder.record(packets.syn(), 1000, 1); // #1
  recorder.record(packets.synAck(), 1001, 1); // #2
  recorder.record(packets.dns(), 1002, 2); // #3
  recorder.record(packets.echo(), 1003); // #4
  recorder.record(packets.echoReply(), 1004); // #5
  recorder.record(packets.ttl1(), 1005, 1); // #6: dropped, ICMP error back
  recorder.record(packets.unmapped(), 1006); // #7: dropped silently
  recorder.record(packets.bigUdp(), 1007.025, 2); // #8: cut to 128 bytes, fragmented
  return recorder.ring;
}

function writeFile(name: string, bytes: Uint8Array): string {
  const file = join(directory, name);
  writeFileSync(file, bytes);
  return file;
}

function rows(file: string, fields: string[], options: string[] = []): string[][] {
  const text = tshark(['-r', file, ...options, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((field) => ['-e', field])]);
  return text.trimEnd().split('\n').map((line) => line.split('|'));
}

describe('trace export', () => {
  it('reads back with our reader: every packet, its bytes and its time', () => {
    const ring = session();
    const pairs = ring.readSince(0).pairs;
    const capture = readCapture(exportTracePcapng(pairs, sides));
    if (!capture.ok) throw new Error(capture.error);
    expect(capture.capture.damaged).toEqual([]);
    const expected = pairs.flatMap((pair) => (pair.output === null ? [pair.input] : [pair.input, pair.output]));
    expect(capture.capture.packets).toHaveLength(15);
    expect(capture.capture.packets.map((p) => p.data)).toEqual(expected.map((p) => p.bytes));
    expect(capture.capture.packets[0].timestampNs).toBe(1_700_000_001_000_000_000n);
    expect(capture.capture.packets[14].timestampNs).toBe(1_700_000_001_007_025_000n); // µs kept
  });

  it('is read by tshark: interfaces by name, packet counts, lengths, valid checksums, comments', () => {
    const file = writeFile('session.pcapng', exportTracePcapng(session().readSince(0).pairs, { ...sides, programOf }));
    const frames = rows(file, ['frame.number', 'frame.interface_name', 'frame.len', 'frame.cap_len', 'frame.comment']);
    expect(frames).toHaveLength(15);
    expect(frames.filter(([, name]) => name === 'clat')).toHaveLength(8);
    expect(frames.filter(([, name]) => name === 'wlp2s0')).toHaveLength(7);
    const byFrame = (n: number) => frames[n - 1];
    expect(byFrame(1).slice(1)).toEqual(['clat', '40', '40', '#1 v4 twin of #1 v6 (frame 2), program curl (pid 812)']);
    expect(byFrame(2).slice(1)).toEqual(['wlp2s0', '60', '60', '#1 v6 twin of #1 v4 (frame 1), program curl (pid 812)']);
    expect(byFrame(3)[1]).toBe('wlp2s0'); // #2 came in from the network
    expect(byFrame(5)[4]).toBe('#3 v4 twin of #3 v6 (frame 6), program dig');
    expect(byFrame(7)[4]).toBe('#4 v4 twin of #4 v6 (frame 8)');
    expect(byFrame(11).slice(1)).toEqual(['clat', '51', '51', "#6 v4 dropped (ttlExpired), answered by the translator's ICMP error #6 v4 (frame 12), program curl (pid 812)"]);
    expect(byFrame(12)[4]).toBe('#6 v4 ICMP error from the translator for #6 v4 (frame 11), program curl (pid 812)');
    expect(byFrame(13).slice(1)).toEqual(['wlp2s0', '59', '59', '#7 v6 dropped (untranslatableSource)']);
    expect(byFrame(14).slice(1)).toEqual(['clat', '3028', '128', '#8 v4 twin of #8 v6 (frame 15), program dig']);
    expect(byFrame(15).slice(1)).toEqual(['wlp2s0', '1280', '128', '#8 v6 twin of #8 v4 (frame 14), first of 3 packets, program dig']);

    // Wireshark checks every checksum it can: all good (1) on the uncut packets, none bad (0) anywhere.
    const fields = ['frame.number', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
    const checks = rows(file, fields, ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE']);
    for (const [frame, ...statuses] of checks) {
      const values = statuses.flatMap((s) => s.split(',')).filter((s) => s !== '');
      expect(values, `frame ${frame}`).not.toContain('0');
      if (Number(frame) < 14) {
        expect(values.length, `frame ${frame}`).toBeGreaterThan(0);
        // Frame 12, the translator's ICMP error, counts its own and the quoted packet's checksums.
        expect(values.every((v) => v === '1'), `frame ${frame}: ${values.join(' ')}`).toBe(true);
      }
    }
  });

  it('exports the last seconds only, and only what a filter matches', () => {
    const ring = session();
    const recent = ring.window(clockOffsetMs + 1005);
    expect(recent.map((p) => p.id)).toEqual([6, 7, 8]);
    const file = writeFile('recent.pcapng', exportTracePcapng(recent, sides));
    expect(rows(file, ['frame.interface_name']).map(([name]) => name)).toEqual(['clat', 'clat', 'wlp2s0', 'clat', 'wlp2s0']);

    const filtered = parseTraceFilter({ protocol: 'icmp' });
    if (!filtered.ok) throw new Error(filtered.error);
    const writer = new PcapngWriter();
    const count = writeTracePairs(writer, ring.readSince(0).pairs, { ...sides, filter: filtered.filter });
    expect(count).toEqual({ pairs: 3, packets: 6 }); // echo, its reply, and the TTL error
    const icmpFile = writeFile('icmp.pcapng', writer.take());
    expect(rows(icmpFile, ['frame.protocols']).map(([protocols]) => protocols)).toEqual([
      'raw:ip:icmp:data', 'raw:ipv6:icmpv6:data', 'raw:ipv6:icmpv6:data', 'raw:ip:icmp:data', 'raw:ip:tcp', 'raw:ip:icmp:ip:tcp',
    ]);
  });

  it('writes a file with no pairs that tshark reads', () => {
    const file = writeFile('empty.pcapng', exportTracePcapng([], sides));
    expect(tshark(['-r', file])).toBe('');
  });
});

describe('PcapngWriter: original length', () => {
  it('writes the length on the wire of a cut packet and refuses impossible ones', () => {
    const writer = new PcapngWriter();
    writer.addInterface('x');
    const packet = packets.bigUdp();
    writer.addPacket(0, 1n, packet.subarray(0, 100), 'cut', packet.length);
    writer.addPacket(0, 2n, packet);
    expect(() => writer.addPacket(0, 3n, packet, undefined, packet.length - 1)).toThrow(RangeError);
    expect(() => writer.addPacket(0, 3n, packet, undefined, 2 ** 32)).toThrow(RangeError);
    const file = writeFile('cut.pcapng', writer.take());
    expect(rows(file, ['frame.len', 'frame.cap_len'])).toEqual([['3028', '100'], ['3028', '3028']]);
  });
});
