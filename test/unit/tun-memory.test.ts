// The in-memory TUN double: the same contract as the Linux device (tun-linux.test.ts checks the
// real one), so engine tests written against it hold on the kernel's TUN.

import { describe, expect, it } from 'vitest';
import { Errno } from '../../core/tun/errno.js';
import { MemoryTun } from '../../core/tun/memory-tun.js';
import { PacketBatch } from '../../core/tun/tun-device.js';

const ipv4Packet = (tag: number, length = 28) => Uint8Array.from({ length }, (_, i) => (i === 0 ? 0x45 : i === 1 ? tag : 0));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('PacketBatch', () => {
  it('lays slots out one after the other and views packets without copying', () => {
    const batch = new PacketBatch(3, 100);
    expect(batch.bytes.length).toBe(300);
    expect(Array.from(batch.starts)).toEqual([0, 100, 200]);
    batch.lengths[1] = 4;
    batch.bytes[100] = 7;
    const packet = batch.packet(1);
    expect(packet.length).toBe(4);
    expect(packet.buffer).toBe(batch.bytes.buffer);
    expect(packet[0]).toBe(7);
  });

  it('can live inside a caller’s arena, and refuses one too small', () => {
    const arena = new Uint8Array(1000);
    const batch = new PacketBatch(2, 100, arena.subarray(500, 700));
    expect(batch.bytes.byteOffset).toBe(500);
    expect(() => new PacketBatch(3, 100, arena.subarray(0, 299))).toThrow(RangeError);
    expect(() => new PacketBatch(0, 100)).toThrow(RangeError);
  });
});

describe('MemoryTun', () => {
  it('reads injected packets in order, up to the batch capacity, and 0 when empty', () => {
    const tun = new MemoryTun();
    const batch = new PacketBatch(2, 64);
    expect(tun.read(batch)).toBe(0);
    for (const tag of [1, 2, 3]) tun.inject(ipv4Packet(tag));
    expect(tun.read(batch)).toBe(2);
    expect(batch.count).toBe(2);
    expect([batch.packet(0)[1], batch.packet(1)[1]]).toEqual([1, 2]);
    expect(tun.read(batch)).toBe(1);
    expect(batch.packet(0)[1]).toBe(3);
    expect(tun.read(batch)).toBe(0);
  });

  it('copies on inject, so the caller may reuse its buffer', () => {
    const tun = new MemoryTun();
    const packet = ipv4Packet(9);
    tun.inject(packet);
    packet[1] = 0;
    const batch = new PacketBatch(1, 64);
    tun.read(batch);
    expect(batch.packet(0)[1]).toBe(9);
  });

  it('cuts a packet longer than its slot to the slot, as the Linux TUN does', () => {
    const tun = new MemoryTun();
    tun.inject(ipv4Packet(1, 600));
    const batch = new PacketBatch(2, 256);
    expect(tun.read(batch)).toBe(1);
    expect(batch.lengths[0]).toBe(256);
  });

  it('collects copies of written packets, taken from anywhere in the slab', () => {
    const tun = new MemoryTun();
    const slab = new Uint8Array(200);
    slab.set(ipv4Packet(5), 10);
    slab.set(ipv4Packet(6, 40), 100);
    expect(tun.write(slab, Int32Array.of(10, 100), Int32Array.of(28, 40), 2)).toBe(2);
    slab.fill(0);
    const written = tun.takeWritten();
    expect(written.map((packet) => [packet.length, packet[1]])).toEqual([[28, 5], [40, 6]]);
    expect(tun.takeWritten()).toEqual([]);
  });

  it('refuses a packet that is neither IPv4 nor IPv6 as the kernel does: -EINVAL first, else a short count', () => {
    const tun = new MemoryTun();
    const slab = new Uint8Array(100);
    slab.set(ipv4Packet(1), 0);
    expect(tun.write(slab, Int32Array.of(50), Int32Array.of(20), 1)).toBe(Errno.EINVAL);
    expect(tun.write(slab, Int32Array.of(0, 50), Int32Array.of(28, 20), 2)).toBe(1);
    expect(tun.written.length).toBe(1);
  });

  it('throws for a packet range outside the slab: a bug in the caller', () => {
    const tun = new MemoryTun();
    expect(() => tun.write(new Uint8Array(10), Int32Array.of(5), Int32Array.of(10), 1)).toThrow(RangeError);
    expect(() => tun.write(new Uint8Array(10), Int32Array.of(0), Int32Array.of(1), 2)).toThrow(RangeError);
  });

  it('calls the listener while packets wait (level-triggered), never inside inject, never when idle', async () => {
    const tun = new MemoryTun();
    const batch = new PacketBatch(1, 64);
    let calls = 0;
    const stop = tun.onReadable(() => {
      calls++;
      tun.read(batch); // one packet per call: the rest must bring another call
    });
    await nextTurn();
    expect(calls).toBe(0);
    tun.inject(ipv4Packet(1));
    tun.inject(ipv4Packet(2));
    expect(calls).toBe(0);
    await nextTurn();
    expect(calls).toBe(1);
    await nextTurn();
    expect(calls).toBe(2);
    await nextTurn();
    expect(calls).toBe(2);
    stop();
    tun.inject(ipv4Packet(3));
    await nextTurn();
    expect(calls).toBe(2);
    expect(tun.pending).toBe(1);
  });

  it('replaces the listener, and an old stop function does not stop the new one', async () => {
    const tun = new MemoryTun();
    const seen: string[] = [];
    const stopFirst = tun.onReadable(() => seen.push('first'));
    tun.onReadable(() => {
      seen.push('second');
      tun.read(new PacketBatch(1, 64));
    });
    stopFirst();
    tun.inject(ipv4Packet(1));
    await nextTurn();
    expect(seen).toEqual(['second']);
  });

  it('answers -EBADF once closed', () => {
    const tun = new MemoryTun({ name: 'clat0', mtuBytes: 1400, batchSize: 8 });
    expect([tun.name, tun.mtuBytes(), tun.batchSize]).toEqual(['clat0', 1400, 8]);
    tun.setMtuBytes(1280);
    expect(tun.mtuBytes()).toBe(1280);
    tun.close();
    tun.close();
    const batch = new PacketBatch(1, 64);
    expect(tun.read(batch)).toBe(Errno.EBADF);
    expect(tun.write(new Uint8Array(28), Int32Array.of(0), Int32Array.of(28), 1)).toBe(Errno.EBADF);
    expect(tun.mtuBytes()).toBe(Errno.EBADF);
  });
});
