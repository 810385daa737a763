// The header views of core/wire, field by field from literal bytes (the smoltcp way: every field
// decoded from a packet written out by hand), read at an offset inside a larger buffer as the
// packet loop's arena holds them, and the check that comes before the reads.

import { describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../core/wire/address.js';
import * as icmpHeader from '../../core/wire/icmp-header.js';
import * as ipv4Header from '../../core/wire/ipv4-header.js';
import * as extensionHeader from '../../core/wire/ipv6-extension-header.js';
import * as ipv6Header from '../../core/wire/ipv6-header.js';
import * as transportHeader from '../../core/wire/transport-header.js';

/** `hex` (spaces ignored) placed after `padding` bytes of 0xee, as in an arena. */
function at(padding: number, hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, '');
  const bytes = new Uint8Array(padding + digits.length / 2).fill(0xee);
  for (let i = 0; i < digits.length / 2; i++) bytes[padding + i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

describe('ipv4-header (RFC 791 §3.1)', () => {
  // An echo request from 192.0.0.1 to 203.0.113.10, 84 bytes, DF, TTL 64.
  const b = at(3, '45 00 0054 1c46 4000 40 01 b1e6 c0000001 cb00710a');

  it('reads every field', () => {
    expect(ipv4Header.version(b, 3)).toBe(4);
    expect(ipv4Header.headerLength(b, 3)).toBe(20);
    expect(ipv4Header.typeOfService(b, 3)).toBe(0);
    expect(ipv4Header.totalLength(b, 3)).toBe(84);
    expect(ipv4Header.identification(b, 3)).toBe(0x1c46);
    expect(ipv4Header.dontFragment(b, 3)).toBe(true);
    expect(ipv4Header.moreFragments(b, 3)).toBe(false);
    expect(ipv4Header.fragmentOffset(b, 3)).toBe(0);
    expect(ipv4Header.flagsAndFragmentOffset(b, 3)).toBe(0x4000);
    expect(ipv4Header.isFragment(b, 3)).toBe(false); // DF alone: a whole datagram
    expect(ipv4Header.timeToLive(b, 3)).toBe(64);
    expect(ipv4Header.protocol(b, 3)).toBe(1);
    expect(ipv4Header.headerChecksum(b, 3)).toBe(0xb1e6);
    expect(ipv4Header.source(b, 3)).toBe(0xc0000001);
    expect(ipv4Header.destination(b, 3)).toBe(0xcb00710a);
    expect(ipv4Header.sourceInt32(b, 3)).toBe(0xc0000001 | 0);
    expect(ipv4Header.destinationInt32(b, 3)).toBe(0xcb00710a | 0);
  });

  it('reads a fragment\'s flags and offset, and a longer header', () => {
    const fragment = at(0, '46 b8 05dc 0007 20b9 01 11 0000 cb00710a c0000001 01010100');
    expect(ipv4Header.headerLength(fragment, 0)).toBe(24);
    expect(ipv4Header.typeOfService(fragment, 0)).toBe(0xb8);
    expect(ipv4Header.dontFragment(fragment, 0)).toBe(false);
    expect(ipv4Header.moreFragments(fragment, 0)).toBe(true);
    expect(ipv4Header.fragmentOffset(fragment, 0)).toBe(0xb9);
    expect(ipv4Header.flagsAndFragmentOffset(fragment, 0)).toBe(0x20b9);
    expect(ipv4Header.isFragment(fragment, 0)).toBe(true);
    const last = at(0, '45 00 0030 0007 00b9 01 11 0000 cb00710a c0000001'); // MF clear, offset 0xb9
    expect(ipv4Header.moreFragments(last, 0)).toBe(false);
    expect(ipv4Header.isFragment(last, 0)).toBe(true);
    const first = at(0, '45 00 05dc 0007 2000 40 11 0000 cb00710a c0000001'); // MF set, offset 0
    expect(ipv4Header.fragmentOffset(first, 0)).toBe(0);
    expect(ipv4Header.isFragment(first, 0)).toBe(true);
  });

  it('checks before the reads: a whole header, the length it says cut to what is there', () => {
    expect(ipv4Header.packetLength(b, 3, b.length)).toBe(20);
    const whole = at(0, `45000020 00000000 4011 0000 c0000001 cb00710a ${'00'.repeat(12)}`);
    expect(ipv4Header.packetLength(whole, 0, whole.length)).toBe(32);
    expect(ipv4Header.packetLength(whole, 0, 24)).toBe(24);
    expect(ipv4Header.packetLength(whole, 0, 19)).toBe(0);
    whole[0] = 0x44; // IHL 4: below the minimum
    expect(ipv4Header.packetLength(whole, 0, whole.length)).toBe(0);
    whole[0] = 0x49; // IHL 36 bytes: past the 32 the Total Length says
    expect(ipv4Header.packetLength(whole, 0, whole.length)).toBe(0);
  });
});

describe('ipv6-header (RFC 8200 §3)', () => {
  // UDP from 2001:db8:1:2::c1a7 to 2001:db8:64::cb00:710a, traffic class 0xba, flow label 0xbcdef.
  const b = at(5, '6babcdef 0020 11 40 20010db8 00010002 00000000 0000c1a7 20010db8 00640000 00000000 cb00710a');

  it('reads every field', () => {
    expect(ipv6Header.version(b, 5)).toBe(6);
    expect(ipv6Header.trafficClass(b, 5)).toBe(0xba);
    expect(ipv6Header.flowLabel(b, 5)).toBe(0xbcdef);
    expect(ipv6Header.payloadLength(b, 5)).toBe(32);
    expect(ipv6Header.nextHeader(b, 5)).toBe(17);
    expect(ipv6Header.hopLimit(b, 5)).toBe(64);
    expect(formatIpv6(b, ipv6Header.sourceAt(5))).toBe('2001:db8:1:2::c1a7');
    expect(formatIpv6(b, ipv6Header.destinationAt(5))).toBe('2001:db8:64::cb00:710a');
  });
});

describe('ipv6-extension-header (RFC 8200 §4)', () => {
  it('reads a Routing header: next header, length, segments left', () => {
    // Next Header TCP, Hdr Ext Len 2 (24 bytes), Routing Type 4, Segments Left 1.
    const b = at(7, `06 02 04 01 ${'00'.repeat(20)}`);
    expect(extensionHeader.nextHeader(b, 7)).toBe(6);
    expect(extensionHeader.headerLength(b, 7)).toBe(24);
    expect(extensionHeader.segmentsLeft(b, 7)).toBe(1);
  });

  it('reads a Fragment header: next header, offset, M, identification', () => {
    // Next Header UDP, offset 185 units (1480 bytes) with M set, Identification 0xdeadbeef.
    const b = at(3, '11 00 05c9 deadbeef');
    expect(extensionHeader.nextHeader(b, 3)).toBe(17);
    expect(extensionHeader.fragmentOffset(b, 3)).toBe(185);
    expect(extensionHeader.moreFragments(b, 3)).toBe(true);
    expect(extensionHeader.identification(b, 3)).toBe(0xdeadbeef);
    const last = at(0, '3a 00 05c8 00000001');
    expect(extensionHeader.fragmentOffset(last, 0)).toBe(185);
    expect(extensionHeader.moreFragments(last, 0)).toBe(false);
  });
});

describe('transport-header (RFC 768, RFC 9293 §3.1)', () => {
  it('reads a UDP header', () => {
    const b = at(2, '9c40 14e9 001c 1234');
    expect(transportHeader.sourcePort(b, 2)).toBe(40000);
    expect(transportHeader.destinationPort(b, 2)).toBe(5353);
    expect(transportHeader.udpLength(b, 2)).toBe(28);
    expect(transportHeader.udpChecksum(b, 2)).toBe(0x1234);
  });

  it('reads a TCP header', () => {
    const b = at(1, 'c350 01bb 01020304 0a0b0c0d 50 12 faf0 abcd 0000');
    expect(transportHeader.sourcePort(b, 1)).toBe(50000);
    expect(transportHeader.destinationPort(b, 1)).toBe(443);
    expect(transportHeader.tcpSequenceNumber(b, 1)).toBe(0x01020304);
    expect(transportHeader.tcpAcknowledgmentNumber(b, 1)).toBe(0x0a0b0c0d);
    expect(transportHeader.tcpDataOffset(b, 1)).toBe(20);
    expect(transportHeader.tcpControlBits(b, 1)).toBe(transportHeader.tcpFlag.syn | transportHeader.tcpFlag.ack);
    expect(transportHeader.tcpChecksum(b, 1)).toBe(0xabcd);
  });
});

describe('icmp-header (RFC 792, RFC 4443)', () => {
  it('reads an echo request and says where an error\'s quote begins', () => {
    const b = at(4, '08 00 f7ff 0007 0001');
    expect(icmpHeader.type(b, 4)).toBe(8);
    expect(icmpHeader.code(b, 4)).toBe(0);
    expect(icmpHeader.checksum(b, 4)).toBe(0xf7ff);
    expect(icmpHeader.identifier(b, 4)).toBe(7);
    expect(icmpHeader.sequenceNumber(b, 4)).toBe(1);
    expect(icmpHeader.quoteAt(4)).toBe(12);
  });

  it('reads the rest of an ICMPv4 error header: length, next-hop MTU, pointer', () => {
    // Fragmentation Needed, RFC 4884 length 32 words, next-hop MTU 1500.
    const needed = at(2, '03 04 1234 00 20 05dc');
    expect(icmpHeader.icmp4Length(needed, 2)).toBe(32);
    expect(icmpHeader.icmp4NextHopMtu(needed, 2)).toBe(1500);
    // Parameter Problem, pointer 9 (the Protocol field).
    const problem = at(0, '0c 00 1234 09 000000');
    expect(icmpHeader.icmp4Pointer(problem, 0)).toBe(9);
  });

  it('reads the rest of an ICMPv6 error header: MTU, pointer, length', () => {
    expect(icmpHeader.icmp6Mtu(at(1, '02 00 abcd 000004d0'), 1)).toBe(1232);
    expect(icmpHeader.icmp6Pointer(at(0, '04 00 abcd 00000028'), 0)).toBe(40);
    // Destination Unreachable, RFC 4884 length 10 words of 64 bits.
    expect(icmpHeader.icmp6Length(at(0, '01 04 abcd 0a 000000'), 0)).toBe(10);
  });
});
