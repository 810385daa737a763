// The engine's pushed streams go to sleep when nothing moves (core/engine/streams.ts): a UI
// watching an idle engine must not wake it 30 times a second. Real Observatory and Monitor, fake
// timers, a recording connection: after a second of nothing the watch stream's timer stops (only
// the observatory's once-a-second timer is left, and each second still sends the rate sample); the
// next packet starts it again and its update follows; closing the connection stops everything.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../core/api/messages.js';
import type { Connection } from '../../core/engine/control-server.js';
import { Monitor } from '../../core/engine/monitor.js';
import { Observatory } from '../../core/engine/observatory.js';
import { startTraceStream, startWatchStream } from '../../core/engine/streams.js';
import { nativeAddon } from '../../core/tun/native-addon.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { clat, Feeder } from './observe-flow-fixture.js';
import { ipv4, udp } from './packet-builder.js';

class RecordingConnection implements Connection {
  readonly events: EngineEvent[] = [];
  congested = false;
  private readonly closeListeners: (() => void)[] = [];

  send(event: EngineEvent): boolean {
    this.events.push(event);
    return true;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    for (const listener of this.closeListeners) listener();
  }
}

describe('stream sleep while idle', () => {
  let observatory: Observatory;
  let monitor: Monitor;
  let feeder: Feeder;

  beforeEach(() => {
    vi.useFakeTimers();
    observatory = new Observatory();
    observatory.start();
    monitor = new Monitor(observatory, { addon: nativeAddon() });
    feeder = new Feeder(monitor.flows);
  });

  afterEach(() => {
    monitor.close();
    observatory.stop();
    vi.useRealTimers();
  });

  const datagram = () => ipv4({ src: clat.ipv4, dst: clat.remote4, df: true }, udp({ srcPort: 40000, dstPort: 3478, payload: new Uint8Array(20) }));

  it('watch: stops its timer after a second of nothing, wakes on the next packet, ends with the connection', async () => {
    const connection = new RecordingConnection();
    expect(vi.getTimerCount()).toBe(1); // the observatory's second
    expect(startWatchStream(connection, monitor, observatory, {}).ok).toBe(true);
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(connection.events.map((event) => event.event)).toEqual(['update']); // the first state

    await vi.advanceTimersByTimeAsync(1100);
    expect(vi.getTimerCount()).toBe(1); // asleep
    const asleep = connection.events.length;
    await vi.advanceTimersByTimeAsync(3000);
    // Asleep, each second's rate sample still goes out, and nothing more.
    expect(connection.events.length - asleep).toBe(3);
    expect(connection.events.slice(asleep).every((event) => event.event === 'update' && event.rate !== null)).toBe(true);
    expect(vi.getTimerCount()).toBe(1);

    expect(feeder.observe(observatory, datagram(), performance.now())).toBe(Verdict.translated);
    await vi.advanceTimersByTimeAsync(50);
    expect(vi.getTimerCount()).toBe(2); // awake
    const last = connection.events.at(-1);
    expect(last?.event === 'update' && last.flows.changed.length).toBe(1);

    connection.close();
    expect(vi.getTimerCount()).toBe(1);
    feeder.observe(observatory, datagram(), performance.now());
    await vi.advanceTimersByTimeAsync(2000);
    expect(vi.getTimerCount()).toBe(1); // a packet after the close wakes nothing
  });

  it('trace: sleeps and wakes the same way', async () => {
    const connection = new RecordingConnection();
    expect(startTraceStream(connection, monitor, observatory, {}).ok).toBe(true);
    await vi.advanceTimersByTimeAsync(3200);
    expect(vi.getTimerCount()).toBe(1);
    expect(connection.events).toEqual([]);
    feeder.observe(observatory, datagram(), performance.now());
    await vi.advanceTimersByTimeAsync(150);
    expect(connection.events.map((event) => event.event)).toEqual(['trace']);
    connection.close();
    expect(vi.getTimerCount()).toBe(1);
  });
});
