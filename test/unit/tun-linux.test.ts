// The Linux TUN device for real, inside a throwaway network namespace: test/tun/tun-child.ts does
// the I/O there and reports what it saw; the assertions are here.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childReport, createNetns, deleteNetns, netnsUnavailable, runInNetns } from '../tun/netns.js';

const child = fileURLToPath(new URL('../tun/tun-child.ts', import.meta.url));
const unavailable = netnsUnavailable();

interface UdpSummary {
  version: number;
  protocol: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: string;
}

describe.skipIf(unavailable !== undefined)(`LinuxTun in a network namespace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let netns: string | undefined;
  let report: Record<string, unknown> & { batchPackets: UdpSummary[] };

  beforeAll(() => {
    netns = createNetns();
    report = childReport(runInNetns(netns, child));
  }, 60_000);
  afterAll(() => {
    if (netns !== undefined) deleteNetns(netns);
  });

  it('opens with the kernel’s name, a pattern or a given name, and refuses a name in use', () => {
    expect(report.kernelChosenName).toMatch(/^tun\d+$/);
    expect(report.kernelChosenIndex).toBeGreaterThan(0);
    expect(report.patternName).toBe('clt0');
    expect(report.name).toBe('clatter-t0');
    expect(report.nameInUse).toBe(-16); // EBUSY
  });

  it('reports the MTU host setup gives the interface', () => {
    expect(report.mtuBefore).toBe(1500);
    expect(report.mtuAfter).toBe(1400);
  });

  it('reads 0 when nothing is queued (EAGAIN is not an error)', () => {
    expect(report.emptyRead).toBe(0);
    expect(report.readAfterBatch).toBe(0);
  });

  it('reads several queued UDP datagrams in one batch, intact and in order', () => {
    expect(report.batchRead).toBe(5);
    report.batchPackets.forEach((packet, i) => {
      expect(packet).toMatchObject({ version: 4, protocol: 17, src: '192.0.2.1', dst: '192.0.2.2', dstPort: 9999, payload: `clatter ${i}` });
    });
  });

  it('writes a batch of packets in one call, delivered to the socket', () => {
    expect(report.batchWrite).toBe(5);
    expect(report.replies).toEqual([0, 1, 2, 3, 4].map((i) => ({ payload: `reply ${i}`, from: '192.0.2.2', port: 9999 })));
  });

  it('refuses a packet that is neither IPv4 nor IPv6 as a value, after writing the ones before it', () => {
    expect(report.writeJunk).toBe(-22); // EINVAL
    expect(report.writeGoodThenJunk).toBe(1);
  });

  it('cuts a packet longer than its slot to the slot, without an error', () => {
    expect(report.longPacketRead).toBe(1);
    expect(report.longPacketLength).toBe(256);
  });

  it('calls the readable listener when a packet comes, never while idle, and not after stop', () => {
    expect(report.idleCalls).toBe(0);
    expect(report.idleCpuMs).toBeLessThan(100); // 500 ms idle: a spinning poll would use all of it
    expect(report.wakeCalls).toBe(1);
    expect(report.wakePackets).toEqual(['wake up']);
    expect(report.callsAfterStop).toBe(0);
    expect(report.readAfterStop).toBe(1);
  });

  it('hands an exception thrown by the listener to uncaughtException', () => {
    expect(report.listenerException).toBe('thrown by the listener');
  });

  it('answers -EBADF once closed, deletes the interface, and -EBADFD when the interface is deleted under it', () => {
    expect(report.readAfterClose).toBe(-9);
    expect(report.writeAfterClose).toBe(-9);
    expect(report.ifIndexAfterClose).toBe(-19); // ENODEV
    expect(report.closedListenerCalls).toBe(1); // called once, so the reader's read() sees -EBADF
    expect(report.readAfterDelete).toBe(-77);
  });

  it('returns a bad descriptor as a negative errno, without throwing', () => {
    expect(report.badFdRead).toBe(report.EBADF);
    expect(report.badFdWatch).toBe(report.EBADF);
  });
});
