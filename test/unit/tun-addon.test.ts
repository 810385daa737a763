// The native addon in this process, without any interface: argument checks throw (bugs), system
// call failures come back as values, and the TypeScript helpers around it. Nothing here creates
// a device or touches the network; tun-linux.test.ts and tun-sockets.test.ts do that in a
// namespace of their own.

import { describe, expect, it } from 'vitest';
import { describeErrno, Errno, errnoName } from '../../core/tun/errno.js';
import { LinuxTun } from '../../core/tun/linux-tun.js';
import { nativeAddon, type WatchHandle } from '../../core/tun/native-addon.js';
import { Bpf, encodeSockFilter } from '../../core/tun/sock-filter.js';
import { PacketBatch } from '../../core/tun/tun-device.js';

const addon = nativeAddon();

describe('native addon', () => {
  it('exposes the kernel constants from its headers', () => {
    expect(addon.constants).toMatchObject({ NETLINK_ROUTE: 0, RTNLGRP_ND_USEROPT: 20, RTM_NEWNDUSEROPT: 68, ND_ROUTER_ADVERT: 134 });
    expect(Object.isFrozen(addon.constants)).toBe(true);
  });

  it('returns -EBADF for a bad descriptor from every call, without throwing', () => {
    const slab = new Uint8Array(256);
    const lengths = new Int32Array(2);
    expect(addon.readBatch(-1, slab, 128, 2, lengths)).toBe(Errno.EBADF);
    expect(addon.packetReadBatch(-1, slab, 128, 2, lengths, new Int32Array(2), 1500)).toBe(Errno.EBADF);
    expect(addon.writeBatch(-1, slab, Int32Array.of(0), Int32Array.of(20), 1)).toBe(Errno.EBADF);
    expect(addon.watch(-1, () => undefined)).toBe(Errno.EBADF);
    expect(addon.recvFrom6(-1, slab, new Uint8Array(16), new Int32Array(2))).toBe(Errno.EBADF);
    expect(addon.sendTo6(-1, new Uint8Array(40))).toBe(Errno.EBADF);
    expect(addon.joinAnycast6(-1, 1, new Uint8Array(16))).toBe(Errno.EBADF);
    expect(addon.close(-1)).toBe(Errno.EBADF);
  });

  it('returns -ENODEV for an interface that does not exist', () => {
    expect(addon.ifIndex('nonexistent0')).toBe(Errno.ENODEV);
    expect(addon.ifMtu('nonexistent0')).toBe(Errno.ENODEV);
    expect(addon.packetOpen('nonexistent0', new Uint8Array(0))).toBe(Errno.ENODEV);
    expect(addon.ifIndex('lo')).toBeGreaterThan(0);
  });

  it('throws for arguments of the wrong type or range: those are bugs', () => {
    const slab = new Uint8Array(256);
    expect(() => addon.readBatch(-1, [] as unknown as Uint8Array, 128, 2, new Int32Array(2))).toThrow(TypeError);
    expect(() => addon.readBatch(-1, slab, 128, 2, new Uint32Array(2) as unknown as Int32Array)).toThrow(TypeError);
    expect(() => addon.readBatch(-1, slab, 128, 3, new Int32Array(3))).toThrow(RangeError);
    expect(() => addon.readBatch(-1, slab, 0, 1, new Int32Array(1))).toThrow(RangeError);
    expect(() => addon.readBatch(-1, slab, 128, 2, new Int32Array(1))).toThrow(RangeError);
    expect(() => addon.packetReadBatch(-1, slab, 128, 2, new Int32Array(2), new Int32Array(1), 1500)).toThrow(RangeError);
    expect(() => addon.packetReadBatch(-1, slab, 128, 3, new Int32Array(3), new Int32Array(3), 1500)).toThrow(RangeError);
    expect(() => addon.ipv6TransportChecksum([] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => addon.writeBatch(-1, slab, Int32Array.of(250), Int32Array.of(10), 1)).toThrow(RangeError);
    expect(() => addon.writeBatch(-1, slab, Int32Array.of(0), Int32Array.of(10), 2)).toThrow(RangeError);
    expect(() => addon.tunOpen('x', 1)).toThrow(RangeError);
    expect(() => addon.tunOpen('a-name-longer-than-15', 0)).toThrow(RangeError);
    expect(() => addon.packetOpen('lo', new Uint8Array(7))).toThrow(RangeError);
    expect(() => addon.watch(0, 'no' as unknown as () => void)).toThrow(TypeError);
    expect(() => addon.unwatch({} as WatchHandle)).toThrow(TypeError);
    expect(() => addon.joinAnycast6(-1, 1, new Uint8Array(4))).toThrow(RangeError);
    expect(() => addon.recvFrom6(-1, slab, new Uint8Array(4), new Int32Array(2))).toThrow(RangeError);
  });

  it('reads 0 from a socket with nothing queued, and watches and unwatches it', () => {
    // A netlink socket subscribed to nothing: it changes nothing and never becomes readable.
    const fd = addon.netlinkOpen(addon.constants.NETLINK_ROUTE, 0);
    expect(fd).toBeGreaterThanOrEqual(0);
    const slab = new Uint8Array(4096);
    expect(addon.readBatch(fd, slab, 4096, 1, new Int32Array(1))).toBe(0);
    const handle = addon.watch(fd, () => undefined);
    expect(typeof handle).toBe('object');
    addon.unwatch(handle as WatchHandle);
    addon.unwatch(handle as WatchHandle); // harmless to repeat
    expect(addon.close(fd)).toBe(0);
  });
});

describe('LinuxTun on a closed descriptor', () => {
  it('answers -EBADF and calls a readable listener once, so the reader learns it', async () => {
    const tun = new LinuxTun(addon, -1, 'gone0', 64);
    const batch = new PacketBatch(2, 128);
    expect(tun.read(batch)).toBe(Errno.EBADF);
    expect(batch.count).toBe(0);
    let calls = 0;
    tun.onReadable(() => calls++);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
  });
});

describe('errno names', () => {
  it('names values from Node’s table and the Linux-only ones a TUN returns', () => {
    expect(errnoName(Errno.EAGAIN)).toBe('EAGAIN');
    expect(describeErrno(Errno.ENODEV)).toBe('ENODEV (no such device)');
    expect(errnoName(Errno.EBADFD)).toBe('EBADFD');
    expect(describeErrno(-4095)).toBe('errno 4095');
  });
});

describe('encodeSockFilter', () => {
  it('writes struct sock_filter in the machine’s byte order (little-endian here)', () => {
    const bytes = encodeSockFilter([
      [Bpf.LD | Bpf.B | Bpf.ABS, 0, 0, 6],
      [Bpf.JMP | Bpf.JEQ | Bpf.K, 1, 2, 58],
      [Bpf.RET | Bpf.K, 0, 0, 0xffffffff],
    ]);
    expect(Array.from(bytes)).toEqual([
      0x30, 0x00, 0, 0, 6, 0, 0, 0, // ldb [6]
      0x15, 0x00, 1, 2, 58, 0, 0, 0, // jeq #58, +1, +2
      0x06, 0x00, 0, 0, 0xff, 0xff, 0xff, 0xff, // ret #-1
    ]);
  });
});
