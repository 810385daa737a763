// tcpdump-like lines for trace pairs: TCP, UDP, ICMP and ICMPv6 (informational and errors with the
// packet they quote), fragments of both versions, unknown protocols, packets cut short, and junk,
// which must never make the describer throw.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceRing } from '../../core/observe/trace-ring.js';
import { describePacket, formatTracePair } from '../../core/wire/describe-packet.js';
import {
  echoRest, fragmentHeader, icmp4, icmp6, ipv4, ipv6, optionsHeader, pattern, proto, raw, routingHeader, tcp, transport4, udp,
} from './packet-builder.js';
import { clat, clockOffsetMs, packets, Recorder } from './observe-trace-fixture.js';

/** Records `packet` and returns the two lines of `clatter trace`. */
function traced(packet: Uint8Array, snapBytes = 128): string[] {
  const recorder = new Recorder(new TraceRing({ snapBytes, clockOffsetMs }));
  return formatTracePair(recorder.ring.pair(recorder.record(packet))!);
}

describe('formatTracePair', () => {
  it('links a TCP SYN and its IPv6 twin', () => {
    expect(traced(packets.syn())).toEqual([
      '#1 v4 192.0.0.1.51514 > 203.0.113.10.80: Flags [S], seq 1000, win 65535, length 0',
      '#1 v6 2001:db8:1:2::c1a7.51514 > 2001:db8:64::cb00:710a.80: Flags [S], seq 1000, win 65535, length 0',
    ]);
  });

  it('puts the input first: the SYN-ACK from the network, then the host\'s copy', () => {
    expect(traced(packets.synAck())).toEqual([
      '#1 v6 2001:db8:64::cb00:710a.80 > 2001:db8:1:2::c1a7.51514: Flags [S.], seq 5000, ack 1001, win 65535, length 0',
      '#1 v4 203.0.113.10.80 > 192.0.0.1.51514: Flags [S.], seq 5000, ack 1001, win 65535, length 0',
    ]);
  });

  it('shows data segments with their sequence range', () => {
    const data = ipv4({ src: clat.ipv4, dst: clat.server4, df: true }, tcp({ srcPort: 51514, dstPort: 80, seq: 4294967290, ack: 77, flags: 0x18, window: 501, payload: pattern(1000) }));
    expect(traced(data)).toEqual([
      '#1 v4 192.0.0.1.51514 > 203.0.113.10.80: Flags [P.], seq 4294967290:994, ack 77, win 501, length 1000',
      '#1 v6 2001:db8:1:2::c1a7.51514 > 2001:db8:64::cb00:710a.80: Flags [P.], seq 4294967290:994, ack 77, win 501, length 1000',
    ]);
  });

  it('shows UDP and ICMP echo both ways', () => {
    expect(traced(packets.dns())).toEqual([
      '#1 v4 192.0.0.1.40000 > 203.0.113.10.53: UDP, length 30',
      '#1 v6 2001:db8:1:2::c1a7.40000 > 2001:db8:64::cb00:710a.53: UDP, length 30',
    ]);
    expect(traced(packets.echo())).toEqual([
      '#1 v4 192.0.0.1 > 203.0.113.10: ICMP echo request, id 7, seq 1, length 64',
      '#1 v6 2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: ICMP6, echo request, id 7, seq 1, length 64',
    ]);
    expect(traced(packets.echoReply())).toEqual([
      '#1 v6 2001:db8:64::cb00:710a > 2001:db8:1:2::c1a7: ICMP6, echo reply, id 7, seq 1, length 64',
      '#1 v4 203.0.113.10 > 192.0.0.1: ICMP echo reply, id 7, seq 1, length 64',
    ]);
  });

  it('shows a drop answered by the translator, with the packet its error quotes', () => {
    expect(traced(packets.ttl1())).toEqual([
      '#1 v4 192.0.0.1.51515 > 203.0.113.10.80: Flags [S], seq 16909060:16909071, win 65535, length 11 (dropped: ttlExpired)',
      '#1 v4 192.0.0.2 > 192.0.0.1: ICMP time exceeded in-transit, length 59 ' +
        '[192.0.0.1.51515 > 203.0.113.10.80: Flags [S], seq 16909060:16909071, win 65535, length 11] (ICMP error from the translator)',
    ]);
  });

  it('shows a silent drop on one line', () => {
    expect(traced(packets.unmapped())).toEqual(['#1 v6 2001:db8:99::1.53 > 2001:db8:1:2::c1a7.40000: UDP, length 11 (dropped: untranslatableSource)']);
  });

  it('shows the first of several fragments, cut to the snap length, by its headers', () => {
    expect(traced(packets.bigUdp())).toEqual([
      '#1 v4 192.0.0.1.40001 > 203.0.113.10.9000: UDP, length 3000',
      '#1 v6 2001:db8:1:2::c1a7.40001 > 2001:db8:64::cb00:710a.9000: UDP, length 3000 (frag 17185:1232@0+) (1 of 3 packets)',
    ]);
  });
});

describe('describePacket: ICMP and ICMPv6', () => {
  const quotedUdp = ipv4({ src: clat.ipv4, dst: clat.server4, ttl: 63 }, udp({ srcPort: 40000, dstPort: 53, payload: pattern(20) }));
  const quotedUdp6 = ipv6({ src: clat.ipv6, dst: clat.server6, hopLimit: 63 }, udp({ srcPort: 40000, dstPort: 53, payload: pattern(20) }));

  it('names ICMP errors and quotes their packet', () => {
    expect(describePacket(ipv4({ src: clat.server4, dst: clat.ipv4 }, icmp4({ type: 3, code: 3, payload: quotedUdp })))).toBe(
      '203.0.113.10 > 192.0.0.1: ICMP port unreachable, length 56 [192.0.0.1.40000 > 203.0.113.10.53: UDP, length 20]',
    );
    expect(describePacket(ipv4({ src: '198.51.100.1', dst: clat.ipv4 }, icmp4({ type: 3, code: 4, rest: 1400, payload: quotedUdp.subarray(0, 28) })))).toBe(
      '198.51.100.1 > 192.0.0.1: ICMP unreachable - need to frag (mtu 1400), length 36 [192.0.0.1.40000 > 203.0.113.10.53: UDP, length 20]',
    );
    expect(describePacket(ipv4({ src: '198.51.100.1', dst: clat.ipv4 }, icmp4({ type: 12, rest: 9 << 24, payload: quotedUdp.subarray(0, 20) })))).toBe(
      '198.51.100.1 > 192.0.0.1: ICMP parameter problem - octet 9, length 28 [192.0.0.1 > 203.0.113.10: udp [|udp]]',
    );
  });

  it('names ICMPv6 errors and quotes their packet', () => {
    expect(describePacket(ipv6({ src: '2001:db8::1', dst: clat.ipv6 }, icmp6({ type: 2, rest: 1280, payload: quotedUdp6 })))).toBe(
      '2001:db8::1 > 2001:db8:1:2::c1a7: ICMP6, packet too big, mtu 1280, length 76 [2001:db8:1:2::c1a7.40000 > 2001:db8:64::cb00:710a.53: UDP, length 20]',
    );
    expect(describePacket(ipv6({ src: clat.server6, dst: clat.ipv6 }, icmp6({ type: 1, code: 4, payload: quotedUdp6.subarray(0, 48) })))).toBe(
      '2001:db8:64::cb00:710a > 2001:db8:1:2::c1a7: ICMP6, destination unreachable, unreachable port, length 56 [2001:db8:1:2::c1a7.40000 > 2001:db8:64::cb00:710a.53: UDP, length 20]',
    );
    expect(describePacket(ipv6({ src: clat.server6, dst: clat.ipv6 }, icmp6({ type: 4, code: 1, rest: 6, payload: quotedUdp6.subarray(0, 40) })))).toBe(
      '2001:db8:64::cb00:710a > 2001:db8:1:2::c1a7: ICMP6, parameter problem, unrecognized next header, pointer 6, length 48 [2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: udp [|udp]]',
    );
  });

  it('does not open an error inside an error', () => {
    const inner = ipv4({ src: clat.server4, dst: clat.ipv4 }, icmp4({ type: 11, payload: quotedUdp }));
    expect(describePacket(ipv4({ src: '198.51.100.1', dst: clat.server4 }, icmp4({ type: 3, code: 1, payload: inner })))).toBe(
      '198.51.100.1 > 203.0.113.10: ICMP host unreachable, length 84 [203.0.113.10 > 192.0.0.1: ICMP time exceeded in-transit, length 56]',
    );
  });

  it('names informational messages and unknown types', () => {
    expect(describePacket(ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:1' }, icmp6({ type: 135, payload: pattern(16) })))).toMatch(/^fe80::1 > ff02::1:ff00:1: ICMP6, neighbor solicitation, who has 1:203:405:607:809:a0b:c0d:e0f, length 24$/);
    expect(describePacket(ipv6({ src: 'fe80::1', dst: 'ff02::2' }, icmp6({ type: 133 })))).toBe('fe80::1 > ff02::2: ICMP6, router solicitation, length 8');
    expect(describePacket(ipv6({ src: 'fe80::1', dst: 'ff02::2' }, icmp6({ type: 200 })))).toBe('fe80::1 > ff02::2: ICMP6, type 200, length 8');
    expect(describePacket(ipv4({ src: clat.ipv4, dst: clat.server4 }, icmp4({ type: 13, payload: pattern(12) })))).toBe('192.0.0.1 > 203.0.113.10: ICMP time stamp request, length 20');
    expect(describePacket(ipv4({ src: clat.ipv4, dst: clat.server4 }, icmp4({ type: 42 })))).toBe('192.0.0.1 > 203.0.113.10: ICMP type-#42, length 8');
  });
});

describe('describePacket: fragments, extension headers, other protocols', () => {
  const datagram = transport4(clat.ipv4, clat.server4, udp({ srcPort: 40000, dstPort: 9000, payload: pattern(2000) }));

  it('shows IPv4 fragments: the first with its ports, later ones with their protocol', () => {
    const first = ipv4({ src: clat.ipv4, dst: clat.server4, id: 0x1234, mf: true, proto: proto.udp }, raw(proto.udp, datagram.subarray(0, 1480)));
    const later = ipv4({ src: clat.ipv4, dst: clat.server4, id: 0x1234, fragOffsetBytes: 1480, proto: proto.udp }, raw(proto.udp, datagram.subarray(1480)));
    expect(describePacket(first)).toBe('192.0.0.1.40000 > 203.0.113.10.9000: UDP, length 2000 (frag 4660:1480@0+)');
    expect(describePacket(later)).toBe('192.0.0.1 > 203.0.113.10: udp (frag 4660:528@1480)');
  });

  it('shows IPv6 fragments and walks extension headers', () => {
    const later = ipv6({ src: clat.ipv6, dst: clat.server6, extensions: [fragmentHeader({ offsetBytes: 1232, more: true, id: 99 })] }, raw(proto.tcp, pattern(64)));
    expect(describePacket(later)).toBe('2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: tcp (frag 99:64@1232+)');
    const chained = ipv6(
      { src: clat.ipv6, dst: clat.server6, extensions: [optionsHeader(0), routingHeader({ segmentsLeft: 0 }), optionsHeader(60)] },
      udp({ srcPort: 1, dstPort: 2, payload: pattern(4) }),
    );
    expect(describePacket(chained)).toBe('2001:db8:1:2::c1a7.1 > 2001:db8:64::cb00:710a.2: UDP, length 4');
    expect(describePacket(chained.subarray(0, 60))).toBe('2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: [|ip6 extension headers]');
  });

  it('shows unknown protocols and No Next Header', () => {
    expect(describePacket(packets.sctp())).toBe('192.0.0.1 > 203.0.113.10: ip-proto-132, length 19');
    expect(describePacket(ipv6({ src: clat.ipv6, dst: clat.server6 }, raw(proto.none, new Uint8Array(0))))).toBe('2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: no next header');
  });
});

describe('describePacket: cut short and junk', () => {
  it('marks where a packet was cut, tcpdump style', () => {
    const syn = packets.syn();
    expect(describePacket(syn.subarray(0, 30))).toBe('192.0.0.1.51514 > 203.0.113.10.80: tcp [|tcp]');
    expect(describePacket(syn.subarray(0, 22))).toBe('192.0.0.1 > 203.0.113.10: tcp [|tcp]');
    expect(describePacket(syn.subarray(0, 10))).toBe('IP [|ip] (10 bytes)');
    expect(describePacket(packets.synAck().subarray(0, 39))).toBe('IP6 [|ip6] (39 bytes)');
    const echo = packets.echo();
    expect(describePacket(echo.subarray(0, 24))).toBe('192.0.0.1 > 203.0.113.10: ICMP echo request, length 64 [|icmp]');
    expect(describePacket(echo.subarray(0, 21))).toBe('192.0.0.1 > 203.0.113.10: ICMP [|icmp]');
    expect(describePacket(packets.dns().subarray(0, 25))).toBe('192.0.0.1.40000 > 203.0.113.10.53: UDP [|udp]');
    const withOptions = ipv4({ src: clat.ipv4, dst: clat.server4, options: Uint8Array.of(1, 1, 1, 1) }, udp());
    expect(describePacket(withOptions.subarray(0, 22))).toBe('192.0.0.1 > 203.0.113.10: [|ip]');
  });

  it('says what junk is rather than guessing', () => {
    expect(describePacket(new Uint8Array(0))).toBe('empty packet');
    expect(describePacket(Uint8Array.of(0x20, 1, 2))).toBe('not IP (version 2), length 3');
    const badIhl = packets.dns();
    badIhl[0] = 0x43;
    expect(describePacket(badIhl)).toBe('192.0.0.1 > 203.0.113.10: bad IP header length 12');
    const badUdp = packets.dns();
    badUdp[25] = 3; // UDP length 3
    expect(describePacket(badUdp)).toBe('192.0.0.1.40000 > 203.0.113.10.53: UDP, bad length 3');
  });

  const valid = [packets.syn(), packets.synAck(), packets.dns(), packets.echo(), packets.echoReply(), packets.bigUdp(), packets.ttl1(),
    ipv4({ src: clat.server4, dst: clat.ipv4 }, icmp4({ type: 3, code: 3, payload: packets.dns() })),
    ipv6({ src: clat.server6, dst: clat.ipv6 }, icmp6({ type: 1, code: 4, payload: packets.synAck() })),
    ipv6({ src: clat.ipv6, dst: clat.server6, extensions: [optionsHeader(0), fragmentHeader({ id: 1 })] }, icmp6({ type: 128, rest: echoRest(1, 2) }))];

  function sane(line: string): void {
    expect(typeof line).toBe('string');
    expect(line.length).toBeGreaterThan(0);
    expect(line).not.toMatch(/undefined|NaN/);
  }

  it('never throws on random bytes (fast-check)', () => {
    // Random bytes, most of them given an IP version, an IHL of 5 and a protocol worth decoding.
    const protocols = [0, 1, 6, 17, 43, 44, 51, 58, 59, 60, 132];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0, 4, 5, 6), fc.constantFrom(...protocols), (bytes, shape, protocol) => {
        if (bytes.length > 0 && shape === 4) bytes[0] = 0x45;
        if (bytes.length > 0 && shape === 5) bytes[0] = 0x40 | (bytes[0] & 0x0f);
        if (bytes.length > 0 && shape === 6) bytes[0] = 0x60 | (bytes[0] & 0x0f);
        if (bytes.length > 9 && shape === 4) bytes[9] = protocol;
        if (bytes.length > 6 && shape === 6) bytes[6] = protocol;
        sane(describePacket(bytes));
      }),
      { numRuns: 30_000 },
    );
  });

  it('never throws on valid packets mutated and cut anywhere (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (packet, mutations, cut) => {
          const bytes = packet.slice(0, 1 + (cut % packet.length));
          for (const [at, value] of mutations) bytes[at % bytes.length] = value;
          sane(describePacket(bytes));
          const lines = formatTracePair({ id: 1, verdict: 'translated', generated: false, outputCount: 1, input: { family: 4, bytes }, output: { family: 6, bytes } });
          expect(lines).toHaveLength(2);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
