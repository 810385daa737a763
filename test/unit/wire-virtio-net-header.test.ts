// struct virtio_net_hdr from literal bytes and back (little-endian fields, TUNSETVNETLE), and the
// partial checksum of TUN_F_CSUM: the pseudo-header sum in the field, finished over the bytes.

import { describe, expect, it } from 'vitest';
import { completePartialChecksum, pseudoHeaderSum4, pseudoHeaderSum6 } from '../../core/wire/partial-checksum.js';
import { decodeVnetHeader, encodeVnetHeader, virtioGsoType, virtioNetFlag, writePlainVnetHeader } from '../../core/wire/virtio-net-header.js';
import { ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { get16, packetProblems, put16 } from './packet-check.js';

// NEEDS_CSUM, TCPV4|ECN, hdr_len 66, gso_size 1448 (0x05a8), csum_start 34, csum_offset 16.
const literal = Uint8Array.of(0x01, 0x81, 0x42, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00);
const fields = { flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4 | virtioGsoType.ecn, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 };

describe('virtio-net header', () => {
  it('decodes every field from literal bytes', () => {
    expect(decodeVnetHeader(literal, 0)).toEqual(fields);
  });

  it('encodes the same bytes from the fields, at an offset', () => {
    const bytes = new Uint8Array(14).fill(0xee);
    encodeVnetHeader(bytes, 2, fields);
    expect(bytes.subarray(2, 12)).toEqual(literal);
    expect([bytes[0], bytes[1], bytes[12], bytes[13]]).toEqual([0xee, 0xee, 0xee, 0xee]);
  });

  it('round-trips any field values', () => {
    const values = { flags: virtioNetFlag.dataValid, gsoType: virtioGsoType.udpL4, hdrLen: 65535, gsoSize: 1, csumStart: 0x1234, csumOffset: 6 };
    const bytes = new Uint8Array(10);
    encodeVnetHeader(bytes, 0, values);
    expect(decodeVnetHeader(bytes, 0)).toEqual(values);
    writePlainVnetHeader(bytes, 0);
    expect(bytes).toEqual(new Uint8Array(10));
  });
});

describe('partial checksums (TUN_F_CSUM)', () => {
  /** What the kernel hands over: the transport checksum field holds the pseudo-header sum. */
  function makePartial(packet: Uint8Array, l4: number, checksumAt: number, sum: number): Uint8Array {
    const partial = packet.slice();
    put16(partial, l4 + checksumAt, sum);
    return partial;
  }

  it('finishing the IPv4 pseudo-header sum gives the real TCP checksum', () => {
    const packet = ipv4({ src: '192.0.0.1', dst: '203.0.113.10' }, tcp({ payload: pattern(999) }));
    const partial = makePartial(packet, 20, 16, pseudoHeaderSum4(packet, 0, 6, packet.length - 20));
    expect(get16(partial, 36)).not.toBe(get16(packet, 36));
    completePartialChecksum(partial, 20, 16, partial.length);
    expect(partial).toEqual(packet);
  });

  it('finishing the IPv6 pseudo-header sum gives the real UDP checksum', () => {
    const packet = ipv6({ src: '2001:db8:1:2::c1a7', dst: '2001:db8:64::cb00:710a' }, udp({ payload: pattern(1001, 3) }));
    const partial = makePartial(packet, 40, 6, pseudoHeaderSum6(packet, 0, 17, packet.length - 40));
    completePartialChecksum(partial, 40, 6, partial.length);
    expect(partial).toEqual(packet);
    expect(packetProblems(partial)).toEqual([]);
  });
});
