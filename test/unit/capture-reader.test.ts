import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture, type Capture, type CaptureResult } from '../../core/capture/read-capture.js';
import {
  block,
  ByteBuilder,
  concat,
  epb,
  ethernet,
  idb,
  ipv4Udp,
  ipv6Udp,
  packetBlock,
  pcapFile,
  shb,
  sll,
  sll2,
  spb,
} from './capture-fixtures.js';

function ok(result: CaptureResult): Capture {
  if (!result.ok) throw new Error(`expected a capture, got: ${result.error}`);
  return result.capture;
}

function error(result: CaptureResult): string {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('pcap', () => {
  const v4 = ipv4Udp(4, 64, 1);
  const v6 = ipv6Udp(6, 2);

  it('reads little-endian microsecond files', () => {
    const capture = ok(readCapture(pcapFile({
      records: [
        { seconds: 1_700_000_000, fraction: 123_456, data: v4 },
        { seconds: 1_700_000_001, fraction: 999_999, data: v6 },
      ],
    })));
    expect(capture.format).toBe('pcap');
    expect(capture.records).toBe(2);
    expect(capture.packets.map((p) => p.index)).toEqual([1, 2]);
    expect(capture.packets[0].timestampNs).toBe(1_700_000_000_123_456_000n);
    expect(capture.packets[1].timestampNs).toBe(1_700_000_001_999_999_000n);
    expect(capture.packets[0].data).toEqual(v4);
    expect(capture.packets[1].data).toEqual(v6);
    expect(capture.damaged).toEqual([]);
  });

  it('reads big-endian nanosecond files', () => {
    const capture = ok(readCapture(pcapFile({
      littleEndian: false,
      nanoseconds: true,
      linkType: 229,
      records: [{ seconds: 2, fraction: 999_999_999, data: v6 }],
    })));
    expect(capture.packets).toHaveLength(1);
    expect(capture.packets[0].timestampNs).toBe(2_999_999_999n);
    expect(capture.packets[0].data).toEqual(v6);
  });

  it('hands out views into the input, not copies', () => {
    const bytes = pcapFile({ records: [{ seconds: 0, fraction: 0, data: v4 }] });
    const packet = ok(readCapture(bytes)).packets[0];
    expect(packet.data.buffer).toBe(bytes.buffer);
    expect(packet.data.byteOffset).toBe(24 + 16);
  });

  it('strips Ethernet headers and VLAN tags, trims padding, and counts what is not IP', () => {
    const short = ipv4Udp(0); // 28 bytes: Ethernet pads it to 46
    const padded = concat(short, new Uint8Array(18));
    const arp = new Uint8Array(28);
    const capture = ok(readCapture(pcapFile({
      linkType: 1,
      records: [
        { seconds: 1, fraction: 0, data: ethernet(0x0800, v4) },
        { seconds: 1, fraction: 1, data: ethernet(0x0806, arp) },
        { seconds: 1, fraction: 2, data: ethernet(0x86dd, v6, [[0x8100, 10]]) },
        { seconds: 1, fraction: 3, data: ethernet(0x0800, padded, [[0x88a8, 100], [0x8100, 20]]) },
        { seconds: 1, fraction: 4, data: ethernet(0x88cc, new Uint8Array(40), [[0x8100, 5]]) },
      ],
    })));
    expect(capture.records).toBe(5);
    expect(capture.notIp).toBe(2);
    expect(capture.packets.map((p) => p.index)).toEqual([1, 3, 4]);
    expect(capture.packets[0].data).toEqual(v4);
    expect(capture.packets[1].data).toEqual(v6);
    expect(capture.packets[2].data).toEqual(short);
  });

  it('reports a frame too short for its Ethernet header or VLAN tag as damaged, and goes on', () => {
    const capture = ok(readCapture(pcapFile({
      linkType: 1,
      records: [
        { seconds: 1, fraction: 0, data: new Uint8Array(10) },
        { seconds: 1, fraction: 0, data: ethernet(0x8100, new Uint8Array(1)) },
        { seconds: 1, fraction: 0, data: ethernet(0x0800, v4) },
      ],
    })));
    expect(capture.damaged.map((d) => d.index)).toEqual([1, 2]);
    expect(capture.damaged[0].description).toMatch(/too short for its Ethernet header/);
    expect(capture.damaged[1].description).toMatch(/VLAN tag/);
    expect(capture.packets.map((p) => p.index)).toEqual([3]);
  });

  it('reads Linux cooked captures (SLL and SLL2), as `tcpdump -i any` writes them', () => {
    const sllCapture = ok(readCapture(pcapFile({
      linkType: 113,
      records: [
        { seconds: 1, fraction: 0, data: sll(0x0800, v4) },
        { seconds: 1, fraction: 0, data: sll(0x0806, new Uint8Array(28)) },
        { seconds: 1, fraction: 0, data: sll(0x86dd, v6, 0xfffe) },
        { seconds: 1, fraction: 0, data: sll(0x0800, new Uint8Array(20), 824) }, // netlink monitor
      ],
    })));
    expect(sllCapture.packets.map((p) => p.data)).toEqual([v4, v6]);
    expect(sllCapture.notIp).toBe(2);

    const sll2Capture = ok(readCapture(pcapFile({
      linkType: 276,
      records: [
        { seconds: 1, fraction: 0, data: sll2(0x86dd, v6) },
        { seconds: 1, fraction: 0, data: sll2(0x0800, concat(v4, new Uint8Array(6))) },
        { seconds: 1, fraction: 0, data: sll2(0x0806, new Uint8Array(28)) },
        { seconds: 1, fraction: 0, data: new Uint8Array(12) },
      ],
    })));
    expect(sll2Capture.packets.map((p) => p.data)).toEqual([v6, v4]);
    expect(sll2Capture.notIp).toBe(1);
    expect(sll2Capture.damaged.map((d) => d.index)).toEqual([4]);
  });

  it('reads raw IPv4 (228) files and leaves raw packets whole', () => {
    const trailing = concat(v4, Uint8Array.of(1, 2, 3));
    const capture = ok(readCapture(pcapFile({ linkType: 228, records: [{ seconds: 0, fraction: 0, data: trailing }] })));
    expect(capture.packets[0].data).toEqual(trailing);
  });

  it('counts a record whose captured length runs past the end of the file as damaged', () => {
    const bytes = pcapFile({
      records: [
        { seconds: 1, fraction: 0, data: v4 },
        { seconds: 1, fraction: 0, data: v6, capturedBytes: 500 },
      ],
    });
    const capture = ok(readCapture(bytes));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged).toHaveLength(1);
    expect(capture.damaged[0]).toMatchObject({ index: 2, offset: 24 + 16 + v4.length });
    expect(capture.damaged[0].description).toMatch(/captured length 500 runs past the end of the file/);
  });

  it('gives up on an impossible captured length', () => {
    const capture = ok(readCapture(pcapFile({
      snapLength: 65535,
      records: [
        { seconds: 1, fraction: 0, data: v4, capturedBytes: 0x7fffffff },
        { seconds: 1, fraction: 0, data: v4 },
      ],
    })));
    expect(capture.packets).toHaveLength(0);
    expect(capture.damaged[0].description).toMatch(/larger than any packet/);
  });

  it('counts a cut-off record header as damage at the end of the file', () => {
    const bytes = pcapFile({ records: [{ seconds: 1, fraction: 0, data: v4 }] });
    const capture = ok(readCapture(concat(bytes, new Uint8Array(7))));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged).toEqual([{ index: null, offset: bytes.length, description: expect.stringMatching(/middle of a record header \(7 of 16/) }]);
  });

  it('rejects a truncated header, an unknown link type and an unknown version, in one line', () => {
    const whole = pcapFile({ records: [] });
    expect(error(readCapture(whole.subarray(0, 10)))).toBe('truncated pcap file header (10 of 24 bytes)');
    expect(error(readCapture(pcapFile({ linkType: 147, records: [] })))).toMatch(/^link type 147 is not one Clatter reads/);
    const v3 = whole.slice();
    v3[4] = 3;
    expect(error(readCapture(v3))).toMatch(/pcap version 3\.4 is not supported/);
  });

  it('masks the FCS bits above the link type', () => {
    const bytes = pcapFile({ linkType: 0x1000_0000 | 1, records: [{ seconds: 0, fraction: 0, data: ethernet(0x0800, concat(v4, new Uint8Array(4))) }] });
    expect(ok(readCapture(bytes)).packets[0].data).toEqual(v4);
  });
});

describe('pcapng', () => {
  const v4 = ipv4Udp(4, 64, 3);
  const v6 = ipv6Udp(4, 4);

  it('reads little- and big-endian sections in one file, interfaces numbered per section', () => {
    const bytes = concat(
      shb(true),
      idb(true, 101), // µs by default
      idb(true, 1, { tsresol: 9 }),
      epb(true, 0, 1_500_000n, v4),
      epb(true, 1, 2_000_000_001n, ethernet(0x86dd, v6)),
      shb(false),
      idb(false, 229, { tsresol: 3, tsoffsetSeconds: 100n }),
      epb(false, 0, 5n, v6),
      block(false, 0xdeadbeef & 0x7fffffff, Uint8Array.of(1, 2, 3, 4)), // unknown: skipped
      epb(false, 0, 6n, v6),
    );
    const capture = ok(readCapture(bytes));
    expect(capture.format).toBe('pcapng');
    expect(capture.records).toBe(4);
    expect(capture.damaged).toEqual([]);
    expect(capture.packets.map((p) => [p.index, p.timestampNs])).toEqual([
      [1, 1_500_000_000n],
      [2, 2_000_000_001n],
      [3, 100_005_000_000n],
      [4, 100_006_000_000n],
    ]);
    expect(capture.packets.map((p) => p.data)).toEqual([v4, v6, v6, v6]);
  });

  it('converts binary timestamp resolutions', () => {
    const bytes = concat(shb(true), idb(true, 101, { tsresol: 0x80 | 10 }), epb(true, 0, 1024n * 3n + 512n, v4));
    expect(ok(readCapture(bytes)).packets[0].timestampNs).toBe(3_500_000_000n);
  });

  it('converts resolutions finer than a nanosecond', () => {
    const bytes = concat(shb(true), idb(true, 101, { tsresol: 12 }), epb(true, 0, 7_000_123_456n, v4));
    expect(ok(readCapture(bytes)).packets[0].timestampNs).toBe(7_000_123n);
  });

  it('reads simple packet blocks (no timestamp, cut to the snap length) and obsolete packet blocks', () => {
    const bytes = concat(
      shb(true),
      idb(true, 101, { snapLength: 30 }),
      spb(true, v4.subarray(0, 30), v4.length),
      packetBlock(true, 0, 42n, v6.subarray(0, 30)),
    );
    const capture = ok(readCapture(bytes));
    expect(capture.packets.map((p) => [p.index, p.timestampNs, p.data.length])).toEqual([
      [1, 0n, 30],
      [2, 42_000n, 30],
    ]);
  });

  it('skips packets of interfaces with a link type it does not read, and counts them', () => {
    const bytes = concat(shb(true), idb(true, 127), idb(true, 101), epb(true, 0, 1n, v4), epb(true, 1, 2n, v4));
    const capture = ok(readCapture(bytes));
    expect(capture.unsupportedLinkType).toBe(1);
    expect(capture.packets.map((p) => p.index)).toEqual([2]);
  });

  it('rejects a file whose packets all have a link type it does not read', () => {
    const bytes = concat(shb(true), idb(true, 127), epb(true, 0, 1n, v4));
    expect(error(readCapture(bytes))).toMatch(/^link type 127 is not one Clatter reads/);
  });

  it('counts damaged packet blocks and goes on where the block length allows', () => {
    const badTrailer = epb(true, 0, 2n, v4);
    badTrailer[badTrailer.length - 4] ^= 0x40;
    const tooLong = epb(true, 0, 3n, v4, 400);
    const noInterface = epb(true, 5, 4n, v4);
    const bytes = concat(shb(true), idb(true, 101), epb(true, 0, 1n, v4), badTrailer, tooLong, noInterface, epb(true, 0, 5n, v6));
    const capture = ok(readCapture(bytes));
    expect(capture.records).toBe(5);
    expect(capture.packets.map((p) => p.index)).toEqual([1, 5]);
    expect(capture.damaged.map((d) => d.index)).toEqual([2, 3, 4]);
    expect(capture.damaged[0].description).toMatch(/trailing length .* differs/);
    expect(capture.damaged[1].description).toMatch(/captured length 400 runs past the end of its block/);
    expect(capture.damaged[2].description).toMatch(/refers to interface 5, but section 1 describes 1/);
  });

  it('gives up at a block whose length runs past the end of the file', () => {
    const whole = concat(shb(true), idb(true, 101), epb(true, 0, 1n, v4), epb(true, 0, 2n, v6));
    const cut = whole.subarray(0, whole.length - 10);
    const capture = ok(readCapture(cut));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged).toHaveLength(1);
    expect(capture.damaged[0].index).toBe(2);
    expect(capture.damaged[0].description).toMatch(/enhanced packet block: it says it is \d+ bytes long, but the file has \d+ bytes left/);
  });

  it('reports stray bytes after the last block', () => {
    const bytes = concat(shb(true), idb(true, 101), epb(true, 0, 1n, v4), new Uint8Array(5));
    const capture = ok(readCapture(bytes));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged[0].description).toMatch(/ends in the middle of a block header/);
  });

  it('keeps the interface of a description block with broken options, and says so', () => {
    const body = new ByteBuilder(true).u16(101).u16(0).u32(0).u16(2).u16(200).bytes([0x61, 0x62, 0x63, 0x64]).build();
    const bytes = concat(shb(true), block(true, 1, body), epb(true, 0, 1n, v4));
    const capture = ok(readCapture(bytes));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged[0].description).toMatch(/options run past the end of the block/);
  });

  it('rejects a truncated or damaged first section header, and an unknown major version', () => {
    const header = shb(true);
    expect(error(readCapture(header.subarray(0, 20)))).toMatch(/^truncated pcapng section header/);
    const badMagic = header.slice();
    badMagic[8] = 0;
    expect(error(readCapture(badMagic))).toMatch(/no valid byte-order magic/);
    expect(error(readCapture(shb(true, 2)))).toBe('pcapng version 2.0 is not supported (only 1.x)');
    const longer = header.slice();
    longer[4] += 4;
    expect(error(readCapture(concat(longer, new Uint8Array(4))))).toMatch(/^damaged pcapng section header/);
  });

  it('skips the rest of the file at a later section it cannot read', () => {
    const bytes = concat(shb(true), idb(true, 101), epb(true, 0, 1n, v4), shb(false, 2), idb(false, 101), epb(false, 0, 1n, v4));
    const capture = ok(readCapture(bytes));
    expect(capture.packets).toHaveLength(1);
    expect(capture.damaged[0].description).toMatch(/version 2\.0 is not supported .*; the rest of the file is skipped/);
  });
});

describe('not a capture', () => {
  it('gives one-line errors for empty, short, text, gzip and modified-pcap files', () => {
    expect(error(readCapture(new Uint8Array(0)))).toBe('empty file, not a capture');
    expect(error(readCapture(Uint8Array.of(1, 2)))).toBe('not a capture file (only 2 bytes)');
    const text = Uint8Array.from(Buffer.from('{"pool6": "64:ff9b::/96"}\n'));
    expect(error(readCapture(text))).toBe('not a pcap or pcapng file (it starts with 0x7b22706f)');
    expect(error(readCapture(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0)))).toMatch(/gzip/);
    expect(error(readCapture(Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1, 0, 0)))).toMatch(/modified \(Kuznetzov\) pcap/);
    for (const result of [readCapture(new Uint8Array(0)), readCapture(text)]) {
      expect(error(result)).not.toContain('\n');
    }
  });
});

describe('no input makes the reader throw', () => {
  const seeds = [
    pcapFile({ linkType: 1, records: [{ seconds: 1, fraction: 2, data: ethernet(0x0800, ipv4Udp()) }, { seconds: 1, fraction: 2, data: ethernet(0x86dd, ipv6Udp(), [[0x8100, 1]]) }] }),
    pcapFile({ littleEndian: false, nanoseconds: true, linkType: 276, records: [{ seconds: 1, fraction: 2, data: sll2(0x0800, ipv4Udp()) }] }),
    concat(shb(true), idb(true, 113, { tsresol: 9, tsoffsetSeconds: -5n, name: 'any' }), epb(true, 0, 1n, sll(0x86dd, ipv6Udp())), spb(true, ipv4Udp()), packetBlock(true, 0, 3n, ipv4Udp())),
    concat(shb(false), idb(false, 1), epb(false, 0, 1n, ethernet(0x0800, ipv4Udp())), shb(true), idb(true, 101), epb(true, 0, 9n, ipv6Udp())),
  ];

  it('survives random byte changes and truncations of valid files', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        (seed, changes, cut) => {
          const bytes = seeds[seed].slice();
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          const result = readCapture(bytes.subarray(0, bytes.length - (cut % 64)));
          if (result.ok) {
            for (const packet of result.capture.packets) expect(packet.index).toBeGreaterThan(0);
          } else {
            expect(result.error).not.toContain('\n');
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives arbitrary bytes after a valid magic number', () => {
    fc.assert(
      fc.property(fc.constantFrom(0xa1b2c3d4, 0xd4c3b2a1, 0x4d3cb2a1, 0x0a0d0d0a), fc.uint8Array({ maxLength: 300 }), (magic, rest) => {
        const bytes = concat(new ByteBuilder(false).u32(magic).build(), rest);
        readCapture(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
