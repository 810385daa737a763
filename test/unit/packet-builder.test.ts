// The test helpers themselves: the builder reproduces packets of the Jool corpus byte for byte
// (so its lengths and checksums are right), and the checker finds each kind of damage.

import { describe, expect, it } from 'vitest';
import { readPacket } from '../conformance/jool-corpus.js';
import {
  addr6, fragmentHeader, icmp4, ipv4, ipv6, optionsHeader, pattern, raw, routingHeader, tcp, transport6, udp,
} from './packet-builder.js';
import { checksumError, get16, hex, packetProblems, put16, readIpv4, readIpv6, reassembleIpv4, reassembleIpv6 } from './packet-check.js';

describe('packet builder', () => {
  it('parses addresses to the bytes RFC 4291 §2.2 and RFC 5952 describe', () => {
    expect(hex(addr6('2001:db8:c000:221::'))).toBe('20010db8c00002210000000000000000');
    expect(hex(addr6('64:ff9b::192.0.2.33'))).toBe('0064ff9b0000000000000000c0000221');
    expect(hex(addr6('2001:db8:122:344:c0:2:2100:0'))).toBe('20010db80122034400c0000221000000');
  });

  it('builds IPv4/UDP exactly as Jool corpus 7915/aat1.pkt', () => {
    const built = ipv4({ src: '198.51.100.2', dst: '192.0.2.33', id: 0, df: true }, udp({ srcPort: 2000, dstPort: 4000, payload: pattern(4) }));
    expect(hex(built)).toBe(hex(readPacket('7915/aat1.pkt')));
  });

  it('builds IPv6/UDP exactly as Jool corpus 7915/abt1.pkt', () => {
    const built = ipv6({ src: '2001:db8:1c0:2:21::', dst: '2001:db8:1c6:3364:2::' }, udp({ srcPort: 2000, dstPort: 4000, payload: pattern(4) }));
    expect(hex(built)).toBe(hex(readPacket('7915/abt1.pkt')));
  });

  it('builds Hop-by-Hop, Destination Options and Routing headers exactly as 7915/abt2.pkt', () => {
    const built = ipv6(
      {
        src: '2001:db8:1c0:2:21::',
        dst: '2001:db8:1c6:3364:2::',
        extensions: [
          optionsHeader(0, Uint8Array.of(1, 2, 0, 0, 0, 0)),
          optionsHeader(60, Uint8Array.of(0, 0, 1, 2, 0, 0)),
          routingHeader({ segmentsLeft: 0, addresses: ['2001:db8:1c0:2:21::', '2001:db8:1c0:2:1::'] }),
        ],
      },
      udp({ srcPort: 2000, dstPort: 4000, payload: pattern(4) }),
    );
    expect(hex(built)).toBe(hex(readPacket('7915/abt2.pkt')));
  });

  it('builds an ICMPv4 error quoting a packet exactly as 7915/bat1.pkt', () => {
    const inner = ipv4({ src: '192.0.2.33', dst: '198.51.100.2', id: 0, df: true, ttl: 63 }, udp({ srcPort: 2000, dstPort: 4000, payload: pattern(344) }));
    const built = ipv4({ src: '198.51.100.2', dst: '192.0.2.33', id: 0, df: true }, icmp4({ type: 3, code: 3, payload: inner }));
    expect(hex(built)).toBe(hex(readPacket('7915/bat1.pkt')));
  });

  it('pads IPv4 options to 4 bytes and sets IHL', () => {
    const p = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', options: Uint8Array.of(1, 1, 1, 1, 1) }, udp());
    expect(p[0]).toBe(0x47);
    expect(Array.from(p.subarray(20, 28))).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(packetProblems(p)).toEqual([]);
  });

  it('chains a Fragment header and fills the UDP checksum of the whole datagram', () => {
    const whole = transport6('2001:db8::1', '2001:db8::2', udp({ payload: pattern(40) }));
    const p = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', extensions: [fragmentHeader({ id: 7 })] }, raw(17, whole));
    const view = readIpv6(p);
    expect(view.nextHeader).toBe(44);
    expect(view.fragment).toEqual({ nextHeader: 17, offsetBytes: 0, more: false, id: 7 });
    expect(packetProblems(p)).toEqual([]);
  });
});

describe('packet checker', () => {
  const good4 = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }, tcp({ payload: pattern(33) }));
  const good6 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }, udp({ payload: pattern(33) }));

  it('accepts well-formed packets', () => {
    expect(packetProblems(good4)).toEqual([]);
    expect(packetProblems(good6)).toEqual([]);
  });

  it('finds a wrong IPv4 header checksum', () => {
    const p = good4.slice();
    p[8]--; // TTL changed, checksum not
    expect(packetProblems(p)).toEqual([expect.stringContaining('header checksum')]);
  });

  it('finds a wrong transport checksum, with its pseudo-header', () => {
    const p = good6.slice();
    p[23] ^= 1; // source address: only the pseudo-header changes
    expect(packetProblems(p)).toEqual([expect.stringContaining('protocol 17 checksum')]);
  });

  it('finds wrong lengths and a zero IPv6 UDP checksum', () => {
    expect(packetProblems(good4.subarray(0, good4.length - 1))).toContainEqual(expect.stringContaining('total length'));
    const zero = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }, udp({ checksum: 0 }));
    expect(packetProblems(zero)).toContain('IPv6 UDP checksum is 0');
    const zero4 = ipv4({ src: '192.0.2.1', dst: '198.51.100.2' }, udp({ checksum: 0 }));
    expect(packetProblems(zero4)).toEqual([]); // RFC 768: no checksum
  });

  it('measures how wrong a checksum is (ones complement, right − actual)', () => {
    expect(checksumError(good4)).toBe(0);
    const p = good4.slice();
    put16(p, 20 + 16, get16(p, 20 + 16) + 1);
    expect(checksumError(p)).toBe(0xfffe); // −1
  });

  it('reassembles fragments it is given in any order', () => {
    const whole4 = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 99 }, udp({ payload: pattern(40) }));
    const body = whole4.subarray(20);
    const a = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 99, mf: true }, raw(17, body.subarray(0, 24)));
    const b = ipv4({ src: '192.0.2.1', dst: '198.51.100.2', id: 99, fragOffsetBytes: 24 }, raw(17, body.subarray(24)));
    expect(hex(reassembleIpv4([b, a]))).toBe(hex(whole4));
    expect(readIpv4(a).mf).toBe(true);

    const body6 = transport6('2001:db8::1', '2001:db8::2', udp({ payload: pattern(40) }));
    const f1 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', extensions: [fragmentHeader({ id: 5, more: true })] }, raw(17, body6.subarray(0, 16)));
    const f2 = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', extensions: [fragmentHeader({ id: 5, offsetBytes: 16 })] }, raw(17, body6.subarray(16)));
    const whole6 = reassembleIpv6([f2, f1]);
    expect(hex(whole6)).toBe(hex(ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }, udp({ payload: pattern(40) }))));
  });
});
