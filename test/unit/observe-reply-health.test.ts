// The reply-health detector over real translations through a CLAT (192.0.0.1 ↔ 2001:db8:1:2::c1a7,
// NAT64 prefix 2001:db8:64::/96), with a fake clock: requests that expect an answer (TCP SYN, ICMP
// echo) to three destinations and nothing coming back raise it after the grace; fewer destinations,
// UDP, or any packet coming back do not; it clears on the next packet back; memory stays bounded.

import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../core/observe/flow-table.js';
import { ReplyHealthDetector } from '../../core/observe/reply-health.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { clat, Feeder } from './observe-flow-fixture.js';

const SYN = 0x02;
const SYN_ACK = 0x12;
const ACK = 0x10;

/** 203.0.113.<n> and its IPv6 twin under 2001:db8:64::/96. */
const remote4 = (n: number) => `203.0.113.${n}`;
const remote6 = (n: number) => `2001:db8:64::cb00:71${n.toString(16).padStart(2, '0')}`;

const syn = (n: number, srcPort = 40000) => ipv4({ src: clat.ipv4, dst: remote4(n), ttl: 64 }, tcp({ srcPort, dstPort: 80, flags: SYN, payload: new Uint8Array(0) }));
const ack = (n: number) => ipv4({ src: clat.ipv4, dst: remote4(n), ttl: 64 }, tcp({ dstPort: 80, flags: ACK, payload: new Uint8Array(0) }));
const echo = (n: number, seq = 1) => ipv4({ src: clat.ipv4, dst: remote4(n), ttl: 64 }, icmp4({ type: 8, rest: echoRest(7, seq), payload: pattern(56) }));
const datagram = (n: number) => ipv4({ src: clat.ipv4, dst: remote4(n), ttl: 64 }, udp({ srcPort: 40000, dstPort: 9, payload: pattern(20) }));
const synAck = (n: number) => ipv6({ src: remote6(n), dst: clat.ipv6, hopLimit: 64 }, tcp({ srcPort: 80, dstPort: 40000, flags: SYN_ACK, payload: new Uint8Array(0) }));
const echoReply = (n: number) => ipv6({ src: remote6(n), dst: clat.ipv6, hopLimit: 64 }, icmp6({ type: 129, rest: echoRest(7, 1), payload: pattern(56) }));

function setup(options: ConstructorParameters<typeof ReplyHealthDetector>[0] = {}) {
  const detector = new ReplyHealthDetector({ clockOffsetMs: 1_000_000, ...options });
  const feeder = new Feeder(new FlowTable());
  const send = (packet: Uint8Array, nowMs: number) => {
    feeder.observe(detector, packet, nowMs);
    expect(feeder.out.count).toBeGreaterThan(0);
  };
  return { detector, send };
}

describe('reply health: raised', () => {
  it('three destinations asked (SYN and echo) and nothing back: no-replies after the grace, not before', () => {
    const { detector, send } = setup();
    send(syn(1), 0);
    send(echo(2), 100);
    send(syn(3), 200);
    send(syn(1), 1000); // a retransmission: still one destination
    expect(detector.evaluate(2000)).toEqual({ state: 'ok' });
    expect(detector.evaluate(3100)).toEqual({ state: 'ok' }); // the third is 2.9 s old
    expect(detector.evaluate(3200)).toEqual({
      state: 'no-replies',
      sinceMs: 1_000_000,
      unansweredDestinations: ['203.0.113.1', '203.0.113.2', '203.0.113.3'],
      unansweredRequests: 4,
    });
  });

  it('two destinations are not enough', () => {
    const { detector, send } = setup();
    for (let t = 0; t < 10_000; t += 1000) {
      send(syn(1, 40000 + t), t);
      send(echo(2, t), t);
    }
    expect(detector.evaluate(10_000)).toEqual({ state: 'ok' });
  });

  it('a silent UDP server (or three) never raises it: a datagram asks for nothing', () => {
    const { detector, send } = setup();
    for (let t = 0; t < 10_000; t += 100) {
      send(datagram(1), t);
      send(datagram(2), t);
      send(datagram(3), t);
    }
    expect(detector.evaluate(10_000)).toEqual({ state: 'ok' });
  });

  it('segments of an open connection are not requests', () => {
    const { detector, send } = setup();
    send(ack(1), 0);
    send(ack(2), 0);
    send(ack(3), 0);
    expect(detector.evaluate(10_000)).toEqual({ state: 'ok' });
  });
});

describe('reply health: cleared', () => {
  it('one packet back from anywhere clears it at once', () => {
    const { detector, send } = setup();
    send(syn(1), 0);
    send(syn(2), 0);
    send(syn(3), 0);
    expect(detector.evaluate(4000).state).toBe('no-replies');
    send(echoReply(9), 4500); // not one of the three: still proof that replies arrive
    expect(detector.evaluate(5000)).toEqual({ state: 'ok' });
    // The three asking again start a new wait, from their next request on.
    send(syn(1, 40001), 6000);
    send(syn(2, 40001), 6000);
    send(syn(3, 40001), 6000);
    expect(detector.evaluate(8000)).toEqual({ state: 'ok' });
    expect(detector.evaluate(9000)).toMatchObject({ state: 'no-replies', sinceMs: 1_006_000, unansweredRequests: 3 });
  });

  it('an answered destination stops counting; the others wait on', () => {
    const { detector, send } = setup();
    send(syn(1), 0);
    send(syn(2), 0);
    send(syn(3), 0);
    send(synAck(2), 500);
    send(syn(4), 600);
    send(syn(5), 600);
    // 1 and 3 were asked before a reply came back (from 2): they count from their next request.
    expect(detector.evaluate(3600)).toEqual({ state: 'ok' });
    send(syn(1), 700);
    expect(detector.evaluate(3700)).toMatchObject({ state: 'no-replies', unansweredDestinations: ['203.0.113.4', '203.0.113.5', '203.0.113.1'], unansweredRequests: 3 });
  });

  it('a reply the observers missed (noteInbound, from the counters) clears it too', () => {
    const { detector, send } = setup();
    send(syn(1), 0);
    send(syn(2), 0);
    send(syn(3), 0);
    expect(detector.evaluate(4000).state).toBe('no-replies');
    detector.noteInbound(4100);
    expect(detector.evaluate(4200)).toEqual({ state: 'ok' });
  });

  it('destinations not asked again within the window are forgotten', () => {
    const { detector, send } = setup({ windowMs: 20_000 });
    send(syn(1), 0);
    send(syn(2), 0);
    send(syn(3), 0);
    expect(detector.evaluate(19_000).state).toBe('no-replies');
    expect(detector.evaluate(21_000)).toEqual({ state: 'ok' });
  });
});

describe('reply health: bounded', () => {
  it('keeps at most `capacity` destinations, evicting the least recently asked', () => {
    const { detector, send } = setup({ capacity: 4 });
    for (let n = 1; n <= 40; n++) send(syn(n), n);
    const verdict = detector.evaluate(10_000);
    expect(verdict).toMatchObject({ state: 'no-replies', unansweredDestinations: ['203.0.113.37', '203.0.113.38', '203.0.113.39', '203.0.113.40'] });
  });

  it('reset forgets everything', () => {
    const { detector, send } = setup();
    send(syn(1), 0);
    send(syn(2), 0);
    send(syn(3), 0);
    detector.reset();
    expect(detector.evaluate(10_000)).toEqual({ state: 'ok' });
  });
});
