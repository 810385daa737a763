// TrafficCounters shared between threads (core/observe/traffic-counters.ts): counters over a
// SharedArrayBuffer, as a worker counts into them and the main thread reads them; a worker's
// counters attached to the engine's as a shard, summed into every read; a detached shard's counts
// kept, so totals never go backwards.

import { describe, expect, it } from 'vitest';
import { direction46, direction64, EngineDrop, protocolIcmp, protocolTcp, protocolUdp, TrafficCounters, trafficCounterSlots } from '../../core/observe/traffic-counters.js';
import { Verdict } from '../../core/xlat/verdict.js';

function sharedCounters(): TrafficCounters {
  return new TrafficCounters(new SharedArrayBuffer(trafficCounterSlots * 8));
}

/** Counts `n` times a fixed mix of traffic, touching every kind of counter, so that sums show in every field. */
function countSome(counters: TrafficCounters, n: number): void {
  counters.countTranslated(direction46, protocolTcp, n, 100 * n, n, 120 * n);
  counters.countTranslated(direction64, protocolUdp, 2 * n, 50 * n, 2 * n, 90 * n);
  counters.countTranslated(direction46, protocolIcmp, 3 * n, 84 * n, 3 * n, 104 * n);
  counters.verdicts[Verdict.translated] += 6 * n;
  counters.verdicts[Verdict.ttlExpired] += n;
  counters.engineDrops[EngineDrop.writeFailed] += 2 * n;
  counters.generatedErrors += n;
}

/** Plain counters that counted the mix `n` times: what a read of several counters that counted it should equal. */
function countedOnce(n: number): TrafficCounters {
  const counters = new TrafficCounters();
  countSome(counters, n);
  return counters;
}

/** Everything a reader of counters can see, in one value. */
function readings(counters: TrafficCounters) {
  const out46 = new Float64Array(4);
  const in64 = new Float64Array(4);
  counters.totals(direction46, out46);
  counters.totals(direction64, in64);
  return { snapshot: counters.snapshot(), out46, in64, handled: counters.handled(), droppedTotal: counters.droppedTotal() };
}

/** The engine's counters with two worker shards attached; each of the three counted the mix a different number of times (1 + 2 + 4 = 7). */
function engineWithShards() {
  const engine = new TrafficCounters();
  const shards = [sharedCounters(), sharedCounters()];
  countSome(engine, 1);
  countSome(shards[0], 2);
  countSome(shards[1], 4);
  for (const shard of shards) engine.attach(shard);
  return { engine, shards, total: 7 };
}

describe('TrafficCounters over a SharedArrayBuffer', () => {
  it("shows the worker's counts to the main thread's view of the same buffer", () => {
    const buffer = new SharedArrayBuffer(trafficCounterSlots * 8);
    const workerView = new TrafficCounters(buffer);
    const mainView = new TrafficCounters(buffer);
    countSome(workerView, 3);
    expect(readings(mainView)).toEqual(readings(countedOnce(3)));
    expect(mainView.snapshot().dropped).toEqual({ ttlExpired: 3, writeFailed: 6 });
  });

  it('keeps generatedErrors in the shared storage', () => {
    const buffer = new SharedArrayBuffer(trafficCounterSlots * 8);
    const workerView = new TrafficCounters(buffer);
    workerView.generatedErrors += 5;
    expect(new TrafficCounters(buffer).generatedErrors).toBe(5);
    expect(new TrafficCounters(buffer).snapshot().generatedErrors).toBe(5);
  });

  it('refuses storage too small for every counter', () => {
    expect(() => new TrafficCounters(new SharedArrayBuffer((trafficCounterSlots - 1) * 8))).toThrow(RangeError);
  });
});

describe('TrafficCounters with shards', () => {
  it('snapshot() is the sum of its own counts and its shards', () => {
    const { engine, total } = engineWithShards();
    expect(engine.snapshot()).toEqual(countedOnce(total).snapshot());
  });

  it('totals(), handled() and droppedTotal() include the shards', () => {
    const { engine, total } = engineWithShards();
    expect(readings(engine)).toEqual(readings(countedOnce(total)));
  });

  it('reads what the shards count after they were attached', () => {
    const { engine, shards, total } = engineWithShards();
    readings(engine);
    countSome(shards[1], 10);
    expect(readings(engine)).toEqual(readings(countedOnce(total + 10)));
  });

  it('keeps its own counts apart from the shards: reading many times adds nothing', () => {
    const { engine, total } = engineWithShards();
    for (let i = 0; i < 3; i++) readings(engine);
    expect(Array.from(engine.all)).toEqual(Array.from(countedOnce(1).all));
    expect(readings(engine)).toEqual(readings(countedOnce(total)));
  });

  it('detach() keeps what the shard counted, and stops reading it', () => {
    const { engine, shards, total } = engineWithShards();
    const before = readings(engine);
    engine.detach(shards[0]);
    expect(readings(engine)).toEqual(before);
    countSome(shards[0], 100); // a shard whose worker is gone counts no more; if it did, it would not show
    expect(readings(engine)).toEqual(readings(countedOnce(total)));
    countSome(shards[1], 1); // the other is still read
    expect(readings(engine)).toEqual(readings(countedOnce(total + 1)));
  });

  it('detaching a shard twice, or one never attached, changes nothing', () => {
    const { engine, shards, total } = engineWithShards();
    engine.detach(shards[0]);
    engine.detach(shards[0]);
    const stranger = sharedCounters();
    countSome(stranger, 50);
    engine.detach(stranger);
    expect(readings(engine)).toEqual(readings(countedOnce(total)));
    engine.detach(shards[1]);
    engine.detach(shards[1]);
    expect(readings(engine)).toEqual(readings(countedOnce(total)));
  });
});
