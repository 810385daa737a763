// The flow table over real translations through a CLAT (192.0.0.1 ↔ 2001:db8:1:2::c1a7, NAT64
// prefix 2001:db8:64::/96): one flow per 5-tuple whichever way its packets go, exact counts, the
// IPv6 twin as the uplink sees it, TCP states from the flags, ICMP echo and errors, fragments,
// idle expiry, eviction of the least recently seen, change polling and new-flow hand-off.

import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { defaultFlowTimeouts, FlowTable } from '../../core/observe/flow-table.js';
import type { FlowProgram } from '../../core/observe/flow-info.js';
import { XlatOutput } from '../../core/xlat/output.js';
import {
  addr4, echoRest, fragmentHeader, icmp4, icmp6, ipv4, ipv6, pattern, raw, tcp, transport4, transport6, udp,
} from './packet-builder.js';
import { clat, Feeder } from './observe-flow-fixture.js';

const SYN = 0x02;
const SYN_ACK = 0x12;
const ACK = 0x10;
const PSH_ACK = 0x18;
const FIN_ACK = 0x11;
const RST = 0x04;

const out4 = (l4: Parameters<typeof ipv4>[1], dst: string = clat.remote4) => ipv4({ src: clat.ipv4, dst, ttl: 64 }, l4);
const in6 = (l4: Parameters<typeof ipv6>[1], src: string = clat.remote6) => ipv6({ src, dst: clat.ipv6, hopLimit: 64 }, l4);

function setup(options: ConstructorParameters<typeof FlowTable>[0] = {}) {
  const flows = new FlowTable(options);
  return { flows, feeder: new Feeder(flows) };
}

describe('flow table: one flow per 5-tuple, both directions', () => {
  it('counts UDP out and back in on one flow with its IPv6 twin', () => {
    const { flows, feeder } = setup({ clockOffsetMs: 1_000 });
    const query = out4(udp({ srcPort: 40000, dstPort: 53, payload: pattern(30) }));
    const answer = in6(udp({ srcPort: 53, dstPort: 40000, payload: pattern(90) }));
    const slots = [feeder.feed(query, 10), feeder.feed(query, 11), feeder.feed(query, 12), feeder.feed(answer, 20), feeder.feed(answer, 25)];
    expect(new Set(slots).size).toBe(1);
    expect(slots[0]).toBeGreaterThanOrEqual(0);
    expect(flows.size).toBe(1);
    const [flow] = flows.all();
    expect(flows.flowIdAt(slots[0])).toBe(flow.id);
    expect(flow).toEqual({
      id: 1,
      protocol: 17,
      v4: { local: '192.0.0.1', localPort: 40000, remote: '203.0.113.10', remotePort: 53 },
      v6: { local: clat.ipv6, localPort: 40000, remote: clat.remote6, remotePort: 53 },
      firstSeenMs: 1_010,
      lastSeenMs: 1_025,
      packets46: 3,
      bytes46: 3 * query.length,
      packets64: 2,
      bytes64: 2 * (answer.length - 20),
      tcpState: null,
      remoteName: null,
      program: null,
    });
  });

  it('keeps different ports, remotes and protocols apart, with ids that only grow', () => {
    const { flows, feeder } = setup();
    feeder.feed(out4(udp({ srcPort: 40000, dstPort: 53 })), 1);
    feeder.feed(out4(udp({ srcPort: 40001, dstPort: 53 })), 2);
    feeder.feed(out4(udp({ srcPort: 40000, dstPort: 54 })), 3);
    feeder.feed(out4(udp({ srcPort: 40000, dstPort: 53 }), clat.other4), 4);
    feeder.feed(out4(tcp({ srcPort: 40000, dstPort: 53, flags: SYN })), 5);
    feeder.feed(in6(udp({ srcPort: 53, dstPort: 40000 }), clat.other6), 6); // reply of the 4th
    const all = flows.all();
    expect(all.map((f) => f.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    const fourth = all.find((f) => f.id === 4)!;
    expect(fourth.v4.remote).toBe(clat.other4);
    expect(fourth.v6.remote).toBe(clat.other6);
    expect([fourth.packets46, fourth.packets64]).toEqual([1, 1]);
    expect(all[0].id).toBe(4); // most recently seen first
  });

  it('ignores what is not a translation', () => {
    const { flows, feeder } = setup();
    // 127.0.0.1 may not appear on the wire: the translator refuses it.
    expect(feeder.feed(ipv4({ src: '127.0.0.1', dst: clat.remote4 }, udp()), 1)).toBe(-1);
    // TTL 1: the translator answers Time Exceeded itself, nothing crosses.
    expect(feeder.feed(ipv4({ src: clat.ipv4, dst: clat.remote4, ttl: 1 }, udp()), 1)).toBe(-1);
    expect(feeder.out.count).toBe(1);
    expect(flows.size).toBe(0);
  });
});

describe('flow table: TCP state from the flags seen each way', () => {
  const segment46 = (flags: number) => out4(tcp({ srcPort: 50000, dstPort: 443, flags }));
  const segment64 = (flags: number) => in6(tcp({ srcPort: 443, dstPort: 50000, flags }));

  it('opens, establishes, closes, and reopens on a new SYN', () => {
    const { flows, feeder } = setup();
    const state = () => flows.all()[0].tcpState;
    feeder.feed(segment46(SYN), 1);
    expect(state()).toBe('syn-sent');
    feeder.feed(segment64(SYN_ACK), 2);
    expect(state()).toBe('established');
    feeder.feed(segment46(ACK), 3);
    feeder.feed(segment46(PSH_ACK), 4);
    expect(state()).toBe('established');
    feeder.feed(segment46(FIN_ACK), 5);
    expect(state()).toBe('closing');
    feeder.feed(segment64(FIN_ACK), 6);
    expect(state()).toBe('closed');
    feeder.feed(segment46(ACK), 7);
    expect(state()).toBe('closed');
    feeder.feed(segment46(SYN), 8);
    expect(state()).toBe('syn-sent');
    expect(flows.size).toBe(1);
    expect(flows.all()[0]).toMatchObject({ id: 1, packets46: 6, packets64: 2 });
  });

  it('a reset closes; an inbound SYN is syn-received; a flow seen mid-stream is established', () => {
    const { flows, feeder } = setup();
    feeder.feed(segment46(SYN), 1);
    feeder.feed(segment64(RST), 2);
    expect(flows.all()[0].tcpState).toBe('closed');

    feeder.feed(in6(tcp({ srcPort: 60000, dstPort: 22, flags: SYN })), 3);
    expect(flows.all()[0]).toMatchObject({ tcpState: 'syn-received', v4: { localPort: 22, remotePort: 60000 } });

    feeder.feed(out4(tcp({ srcPort: 50001, dstPort: 443, flags: PSH_ACK })), 4);
    expect(flows.all()[0]).toMatchObject({ tcpState: 'established', v4: { localPort: 50001 } });
  });
});

describe('flow table: ICMP', () => {
  it('an echo request and its reply are one flow, the identifier as the local port', () => {
    const { flows, feeder } = setup();
    for (let seq = 1; seq <= 3; seq++) {
      feeder.feed(out4(icmp4({ type: 8, rest: echoRest(0x1234, seq), payload: pattern(56) })), seq);
      feeder.feed(in6(icmp6({ type: 129, rest: echoRest(0x1234, seq), payload: pattern(56) })), seq + 0.5);
    }
    feeder.feed(out4(icmp4({ type: 8, rest: echoRest(0x1235, 1), payload: pattern(56) })), 9);
    expect(flows.size).toBe(2);
    const ping = flows.all().find((f) => f.v4.localPort === 0x1234)!;
    expect(ping).toMatchObject({
      protocol: 1,
      v4: { local: clat.ipv4, localPort: 0x1234, remote: clat.remote4, remotePort: 0 },
      v6: { local: clat.ipv6, localPort: 0x1234, remote: clat.remote6, remotePort: 0 },
      packets46: 3,
      packets64: 3,
      bytes46: 3 * (20 + 8 + 56),
      bytes64: 3 * (20 + 8 + 56),
    });
  });

  it('an error from the network counts on the flow of the packet it quotes', () => {
    const { flows, feeder } = setup();
    const probe = out4(udp({ srcPort: 40001, dstPort: 33434, payload: pattern(20) }));
    feeder.feed(probe, 1);
    const [sent] = feeder.outputs();
    const unreachable = in6(icmp6({ type: 1, code: 4, payload: sent })); // port unreachable
    const slot = feeder.feed(unreachable, 2);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(flows.size).toBe(1);
    expect(flows.all()[0]).toMatchObject({ packets46: 1, packets64: 1, bytes64: feeder.outputs()[0].length });
    // An error quoting a packet of no known flow creates none.
    flows.clear();
    expect(feeder.feed(unreachable, 3)).toBe(-1);
    expect(feeder.lastVerdict).toBe(0); // translated all the same
    expect(flows.size).toBe(0);
  });

  it('an error the host sends back counts on the inbound flow it answers', () => {
    const { flows, feeder } = setup();
    feeder.feed(in6(udp({ srcPort: 5000, dstPort: 6000, payload: pattern(10) })), 1);
    const [delivered] = feeder.outputs();
    feeder.feed(out4(icmp4({ type: 3, code: 3, payload: delivered })), 2);
    expect(flows.size).toBe(1);
    expect(flows.all()[0]).toMatchObject({ v4: { localPort: 6000, remotePort: 5000 }, packets64: 1, packets46: 1 });
  });
});

describe('flow table: fragments', () => {
  it('a host packet the translator splits into IPv6 fragments is one packet of its flow', () => {
    const { flows, feeder } = setup();
    const big = out4(udp({ srcPort: 40000, dstPort: 4500, payload: pattern(1400) }));
    feeder.feed(big, 1);
    expect(feeder.out.count).toBe(2);
    expect(flows.all()[0]).toMatchObject({ packets46: 1, bytes46: big.length, v4: { localPort: 40000, remotePort: 4500 }, v6: { remote: clat.remote6 } });
  });

  it('later fragments join the flow of their first one, both ways', () => {
    const { flows, feeder } = setup();
    // Out: the host's own IPv4 fragments.
    const body4 = transport4(clat.ipv4, clat.remote4, udp({ srcPort: 40000, dstPort: 4500, payload: pattern(1000) }));
    const first4 = ipv4({ src: clat.ipv4, dst: clat.remote4, id: 0x4321, mf: true }, raw(17, body4.subarray(0, 512)));
    const second4 = ipv4({ src: clat.ipv4, dst: clat.remote4, id: 0x4321, fragOffsetBytes: 512 }, raw(17, body4.subarray(512)));
    feeder.feed(first4, 1);
    feeder.feed(second4, 2);
    // In: IPv6 fragments from the network.
    const body6 = transport6(clat.remote6, clat.ipv6, udp({ srcPort: 4500, dstPort: 40000, payload: pattern(1800) }));
    const frag = (offsetBytes: number, more: boolean, part: Uint8Array) =>
      ipv6({ src: clat.remote6, dst: clat.ipv6, hopLimit: 64, extensions: [fragmentHeader({ offsetBytes, more, id: 0xabcd0001 })] }, raw(17, part));
    feeder.feed(frag(0, true, body6.subarray(0, 1200)), 3);
    feeder.feed(frag(1200, false, body6.subarray(1200)), 4);
    expect(flows.size).toBe(1);
    expect(flows.all()[0]).toMatchObject({
      packets46: 2,
      bytes46: first4.length + second4.length,
      packets64: 2,
      bytes64: 20 + 1200 + 20 + (body6.length - 1200),
    });
  });

  it('a fragment whose first one was not seen goes to the flow of its addresses with ports 0', () => {
    const { flows, feeder } = setup();
    const body = transport4(clat.ipv4, clat.remote4, udp({ srcPort: 40000, dstPort: 4500, payload: pattern(1000) }));
    feeder.feed(ipv4({ src: clat.ipv4, dst: clat.remote4, id: 0x9999, fragOffsetBytes: 512 }, raw(17, body.subarray(512))), 1);
    expect(flows.all()[0]).toMatchObject({ protocol: 17, v4: { localPort: 0, remotePort: 0 }, packets46: 1 });
  });
});

describe('flow table: bounded', () => {
  it('expires idle flows by protocol and TCP state', () => {
    const { flows, feeder } = setup();
    feeder.feed(out4(udp({ srcPort: 1000 })), 0);
    feeder.feed(out4(icmp4({ type: 8, rest: echoRest(7, 1) })), 0);
    feeder.feed(out4(tcp({ srcPort: 2000, flags: SYN })), 0);
    feeder.feed(in6(tcp({ srcPort: 80, dstPort: 2000, flags: SYN_ACK })), 0);
    feeder.feed(out4(tcp({ srcPort: 3000, flags: SYN })), 0);
    feeder.feed(in6(tcp({ srcPort: 80, dstPort: 3000, flags: RST })), 0);
    feeder.feed(out4(tcp({ srcPort: 4000, flags: SYN })), 0);
    expect(flows.size).toBe(5);
    const remaining = () => flows.all().map((f) => `${f.protocol}:${f.v4.localPort}`).sort();
    const t = defaultFlowTimeouts;
    expect(flows.sweep(t.tcpClosedMs)).toBe(0);
    expect(flows.sweep(t.tcpClosedMs + 1)).toBe(1);
    expect(remaining()).toEqual(['17:1000', '1:7', '6:2000', '6:4000']);
    flows.sweep(t.icmpMs + 1);
    expect(remaining()).toEqual(['17:1000', '6:2000', '6:4000']);
    flows.sweep(t.udpMs + 1);
    expect(remaining()).toEqual(['6:2000', '6:4000']);
    flows.sweep(t.tcpTransitoryMs + 1); // the SYN never answered
    expect(remaining()).toEqual(['6:2000']);
    flows.sweep(t.tcpEstablishedMs);
    expect(remaining()).toEqual(['6:2000']);
    flows.sweep(t.tcpEstablishedMs + 1);
    expect(flows.size).toBe(0);
    expect(flows.expirations).toBe(5);
    expect(flows.evictions).toBe(0);
  });

  it('when full, evicts the least recently seen flow and counts it', () => {
    const { flows, feeder } = setup({ capacity: 4 });
    for (let port = 1; port <= 4; port++) feeder.feed(out4(udp({ srcPort: port })), port);
    feeder.feed(in6(udp({ srcPort: 53, dstPort: 1 })), 5); // port 1 seen again: port 2 is now the oldest
    feeder.feed(out4(udp({ srcPort: 5 })), 6);
    expect(flows.size).toBe(4);
    expect(flows.evictions).toBe(1);
    expect(flows.all().map((f) => f.v4.localPort)).toEqual([5, 1, 4, 3]);
    expect(flows.all().map((f) => f.id)).toEqual([5, 1, 4, 3]);
    for (let port = 6; port <= 20; port++) feeder.feed(out4(udp({ srcPort: port })), port);
    expect(flows.size).toBe(4);
    expect(flows.evictions).toBe(16);
    expect(flows.all().map((f) => f.id)).toEqual([20, 19, 18, 17]);
  });

  it('matches a model of a bounded least-recently-seen map under random traffic', () => {
    const capacity = 8;
    const { flows, feeder } = setup({ capacity });
    const model = new Map<number, { packets46: number; packets64: number }>();
    let evictions = 0;
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let step = 0; step < 3000; step++) {
      const port = 1 + Math.floor(random() * 20);
      const outbound = random() < 0.6;
      feeder.feed(outbound ? out4(udp({ srcPort: port, dstPort: 9 })) : in6(udp({ srcPort: 9, dstPort: port })), step);
      let entry = model.get(port);
      if (entry === undefined) {
        if (model.size === capacity) {
          model.delete(model.keys().next().value!);
          evictions++;
        }
        entry = { packets46: 0, packets64: 0 };
      }
      model.delete(port);
      model.set(port, entry);
      if (outbound) entry.packets46++;
      else entry.packets64++;
      if (step % 97 === 0 || step === 2999) {
        const seen = flows.all().map((f) => [f.v4.localPort, f.packets46, f.packets64]);
        const expected = [...model.entries()].reverse().map(([p, e]) => [p, e.packets46, e.packets64]);
        expect(seen).toEqual(expected);
        expect(flows.evictions).toBe(evictions);
      }
    }
  });
});

describe('flow table: clients', () => {
  it('lists what changed and what went since a poll', () => {
    const { flows, feeder } = setup();
    feeder.feed(out4(udp({ srcPort: 1 })), 0);
    feeder.feed(out4(udp({ srcPort: 2 })), 0);
    feeder.feed(out4(tcp({ srcPort: 3, flags: SYN })), 0);
    const first = flows.changedSince(0);
    expect(first.changed.map((f) => f.id).sort()).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ removed: [], complete: true });

    feeder.feed(in6(udp({ srcPort: 53, dstPort: 2 })), 1);
    const second = flows.changedSince(first.seq);
    expect(second.changed.map((f) => f.id)).toEqual([2]);
    expect(flows.changedSince(second.seq).changed).toEqual([]);

    flows.sweep(defaultFlowTimeouts.udpMs + 0.5); // flow 1 idle since 0, flow 2 since 1
    const third = flows.changedSince(second.seq);
    expect(third).toMatchObject({ changed: [], removed: [1], complete: true });
    expect(flows.setProgram(3, program(42))).toBe(true);
    expect(flows.setProgram(1, program(42))).toBe(false);
    const fourth = flows.changedSince(third.seq);
    expect(fourth.changed.map((f) => [f.id, f.program?.pid])).toEqual([[3, 42]]);
    expect(flows.snapshot(3)?.program).toEqual(program(42));
    expect(flows.snapshot(1)).toBeUndefined();
  });

  it('says a poll is incomplete when removals were forgotten', () => {
    const { flows, feeder } = setup({ removalLog: 2 });
    for (let port = 1; port <= 3; port++) feeder.feed(out4(udp({ srcPort: port })), 0);
    const before = flows.seq;
    flows.sweep(defaultFlowTimeouts.udpMs + 1);
    const late = flows.changedSince(before);
    expect(late.complete).toBe(false);
    expect(late.removed).toEqual([2, 3]);
    expect(flows.changedSince(late.seq)).toMatchObject({ complete: true, removed: [] });
  });

  it('announces new flows once per burst and hands them over with their keys', () => {
    const { flows, feeder } = setup();
    let wakeups = 0;
    flows.setNewFlowListener(() => wakeups++);
    feeder.feed(out4(udp({ srcPort: 1, dstPort: 53 })), 0);
    feeder.feed(out4(udp({ srcPort: 2, dstPort: 53 })), 0);
    feeder.feed(out4(udp({ srcPort: 1, dstPort: 53 })), 0); // not new
    feeder.feed(out4(icmp4({ type: 8, rest: echoRest(77, 1) })), 0);
    expect(wakeups).toBe(1);
    expect(flows.takeNewFlows(2)).toEqual([
      { id: 1, protocol: 17, localV4: addr4(clat.ipv4), localPort: 1, remoteV4: addr4(clat.remote4), remotePort: 53, outbound: true },
      { id: 2, protocol: 17, localV4: addr4(clat.ipv4), localPort: 2, remoteV4: addr4(clat.remote4), remotePort: 53, outbound: true },
    ]);
    feeder.feed(out4(udp({ srcPort: 3, dstPort: 53 })), 0);
    expect(wakeups).toBe(1); // the queue was not emptied yet
    expect(flows.takeNewFlows().map((f) => f.id)).toEqual([3, 4]);
    expect(flows.takeNewFlows()).toEqual([]);
    feeder.feed(in6(udp({ srcPort: 53, dstPort: 5 })), 0);
    expect(wakeups).toBe(2);
    expect(flows.takeNewFlows()).toMatchObject([{ id: 5, localPort: 5, remotePort: 53, outbound: false }]);
  });

  it('awaits a new flow\'s program until attribution answers, or until it never will', () => {
    const { flows, feeder } = setup({ newFlowBacklog: 2 });
    feeder.feed(out4(udp({ srcPort: 1, dstPort: 53 })), 0);
    feeder.feed(out4(udp({ srcPort: 2, dstPort: 53 })), 0);
    expect([flows.programAwaited(1), flows.programAwaited(2), flows.programAwaited(99)]).toEqual([true, true, false]);
    const before = flows.seq;
    expect(flows.setProgram(1, null)).toBe(true); // looked for, none found
    expect(flows.programAwaited(1)).toBe(false);
    expect(flows.seq).toBe(before); // nothing to show for it
    feeder.feed(out4(udp({ srcPort: 3, dstPort: 53 })), 0);
    feeder.feed(out4(udp({ srcPort: 4, dstPort: 53 })), 0); // the backlog drops flow 2: never attributed
    expect([2, 3, 4].map((id) => flows.programAwaited(id))).toEqual([false, true, true]);
    expect(flows.takeNewFlows().map((f) => f.id)).toEqual([3, 4]);
    expect(flows.setProgram(3, program(42))).toBe(true);
    expect(flows.programAwaited(3)).toBe(false);
    flows.sweep(defaultFlowTimeouts.udpMs + 1);
    expect(flows.programAwaited(4)).toBe(false); // gone
  });

  it('names the remote from what the name source knows when the flow begins', () => {
    const remote = addr4(clat.remote4);
    const { flows, feeder } = setup({ names: { nameOf: (ip) => (ip === remote ? 'www.example.com' : undefined) } });
    feeder.feed(out4(tcp({ srcPort: 1, dstPort: 443, flags: SYN })), 0);
    feeder.feed(out4(tcp({ srcPort: 1, dstPort: 443, flags: SYN }), clat.other4), 0);
    expect(flows.all().map((f) => f.remoteName)).toEqual([null, 'www.example.com']);
    expect(flows.setRemoteName(2, 'other.example')).toBe(true);
    expect(flows.snapshot(2)?.remoteName).toBe('other.example');
  });
});

describe('flow table: no allocation per packet', () => {
  it('records known flows without growing the heap', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { flows, feeder } = setup();
    const packets = [
      out4(udp({ srcPort: 40000, dstPort: 53, payload: pattern(40) })),
      in6(udp({ srcPort: 53, dstPort: 40000, payload: pattern(90) })),
      out4(tcp({ srcPort: 50000, dstPort: 443, flags: PSH_ACK, payload: pattern(200) })),
      in6(tcp({ srcPort: 443, dstPort: 50000, flags: ACK })),
      out4(icmp4({ type: 8, rest: echoRest(9, 1), payload: pattern(56) })),
    ];
    // Translate once; record the same translation many times (the translator is measured elsewhere).
    const translated = packets.map((p) => {
      feeder.feed(p, 0);
      return { input: p, verdict: feeder.lastVerdict, out: cloneOutput(feeder) };
    });
    // A fractional time, as performance.now() gives: one heap number, made once here.
    const nowMs = 1234.5;
    const run = (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        const t = translated[i % translated.length];
        flows.record(t.input, 0, t.input.length, t.verdict, t.out, nowMs);
      }
    };
    for (let warm = 0; warm < 5; warm++) run(50_000);
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the forced collection's entry
    const collectionsBefore = collections;
    const before = process.memoryUsage().heapUsed;
    run(500_000);
    const after = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    observer.disconnect();
    // A heap number is 16 bytes: anything allocated per packet would show as at least that, or
    // (8 MB and more) make the young generation collect.
    expect((after - before) / 500_000).toBeLessThan(0.5);
    expect(collections - collectionsBefore).toBe(0);
    expect(flows.size).toBe(3);
  });
});

function program(pid: number): FlowProgram {
  return { pid, executable: '/usr/bin/true', commandLine: ['true'], user: 'root', uid: 0 };
}

function cloneOutput(feeder: Feeder): XlatOutput {
  const out = new XlatOutput();
  out.buffer.set(feeder.out.buffer);
  out.count = feeder.out.count;
  out.start.set(feeder.out.start);
  out.length.set(feeder.out.length);
  out.family.set(feeder.out.family);
  out.generated.set(feeder.out.generated);
  return out;
}
