// Runs inside a test network namespace (started by test/unit/tun-linux.test.ts): opens real TUN
// devices, sends through them with node:dgram and the kernel's own stack, and prints what it saw
// as one JSON line; the test makes the assertions.

import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { Errno } from '../../core/tun/errno.js';
import { openLinuxTun, type LinuxTun } from '../../core/tun/linux-tun.js';
import { nativeAddon } from '../../core/tun/native-addon.js';
import { PacketBatch } from '../../core/tun/tun-device.js';
import { assertInTestNetns, run } from './netns-guard.js';
import { writeIpv4Udp } from './test-packets.js';

assertInTestNetns();

const addon = nativeAddon();
const report: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

function open(name?: string): LinuxTun {
  const opened = openLinuxTun(name === undefined ? {} : { name });
  if (!opened.ok) throw new Error(opened.error);
  return opened.device;
}

/** What the test checks of an IPv4/UDP packet read from the TUN. */
function summarize(packet: Uint8Array) {
  const ihl = (packet[0] & 0x0f) * 4;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return {
    version: packet[0] >> 4,
    protocol: packet[9],
    src: packet.subarray(12, 16).join('.'),
    dst: packet.subarray(16, 20).join('.'),
    srcPort: view.getUint16(ihl),
    dstPort: view.getUint16(ihl + 2),
    payload: text(packet.subarray(ihl + 8)),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// Names: the kernel's choice, a pattern, a name in use.
const chosen = open();
report.kernelChosenName = chosen.name;
report.kernelChosenIndex = addon.ifIndex(chosen.name);
chosen.close();
const patterned = open('clt%d');
report.patternName = patterned.name;
patterned.close();

const tun = open('clatter-t0');
const again = openLinuxTun({ name: 'clatter-t0' });
report.nameInUse = again.ok ? 'opened' : again.errno;

// IPv6 off on the TUN: the kernel would otherwise send router solicitations and MLD reports into
// it, and the only packets here are to be the test's.
writeFileSync(`/proc/sys/net/ipv6/conf/${tun.name}/disable_ipv6`, '1');
run('ip', 'link', 'set', tun.name, 'up');
run('ip', 'addr', 'add', '192.0.2.1/24', 'dev', tun.name);
report.name = tun.name;
report.mtuBefore = tun.mtuBytes();
run('ip', 'link', 'set', tun.name, 'mtu', '1400');
report.mtuAfter = tun.mtuBytes();

const batch = new PacketBatch(16, 2048);
report.emptyRead = tun.read(batch);

const socket: Socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '192.0.2.1', resolve));
const localPort = socket.address().port;
const messages: { payload: string; from: string; port: number }[] = [];
socket.on('message', (message, from) => messages.push({ payload: message.toString(), from: from.address, port: from.port }));
const send = (payload: string | Buffer) => new Promise((resolve) => socket.send(payload, 9999, '192.0.2.2', resolve));

// Several packets, one read: all are queued in the device before the read.
await Promise.all([0, 1, 2, 3, 4].map((i) => send(`clatter ${i}`)));
const count = tun.read(batch);
report.batchRead = count;
report.batchPackets = Array.from({ length: Math.max(count, 0) }, (_, i) => summarize(batch.packet(i)));
report.readAfterBatch = tun.read(batch);

// Answers through writeBatch, all in one call, from 192.0.2.2:9999 back to the socket.
const replies = new PacketBatch(5, 2048);
for (let i = 0; i < 5; i++) {
  replies.lengths[i] = writeIpv4Udp(replies.bytes, replies.starts[i], '192.0.2.2', '192.0.2.1', 9999, localPort, Buffer.from(`reply ${i}`));
}
report.batchWrite = tun.write(replies.bytes, replies.starts, replies.lengths, 5);
await until(() => messages.length >= 5, 'the replies');
report.replies = messages.splice(0);

// A packet that is neither IPv4 nor IPv6: refused alone (-EINVAL), or ending a batch early.
const junk = new Uint8Array(40);
report.writeJunk = tun.write(junk, Int32Array.of(0), Int32Array.of(40), 1);
replies.bytes.fill(0, replies.starts[1], replies.starts[1] + 1); // reply 1 becomes junk
report.writeGoodThenJunk = tun.write(replies.bytes, replies.starts, replies.lengths, 2);
await until(() => messages.length >= 1, 'the good packet before the junk');
messages.length = 0;

// A packet longer than its slot is cut to the slot, without an error.
await send(Buffer.alloc(600, 0x61));
const small = new PacketBatch(2, 256);
report.longPacketRead = tun.read(small);
report.longPacketLength = small.lengths[0];

// Readiness: nothing while idle (and no CPU spent), a call when a packet comes, none after stop.
let calls = 0;
const seen: ReturnType<typeof summarize>[] = [];
const stop = tun.onReadable(() => {
  calls++;
  while (tun.read(batch) > 0) for (let i = 0; i < batch.count; i++) seen.push(summarize(batch.packet(i)));
});
const cpuBefore = process.cpuUsage();
await sleep(500);
const cpu = process.cpuUsage(cpuBefore);
report.idleCalls = calls;
report.idleCpuMs = (cpu.user + cpu.system) / 1000;
await send('wake up');
await until(() => seen.length >= 1, 'the readable callback');
report.wakeCalls = calls;
report.wakePackets = seen.map((packet) => packet.payload);
stop();
const callsAtStop = calls;
await send('after stop');
await sleep(200);
report.callsAfterStop = calls - callsAtStop;
report.readAfterStop = tun.read(batch);

// An exception in the listener reaches 'uncaughtException', as from any other I/O callback.
const caught = new Promise<string>((resolve) => process.once('uncaughtException', (error) => resolve(error.message)));
const stopThrowing = tun.onReadable(() => {
  tun.read(batch);
  throw new Error('thrown by the listener');
});
await send('throw');
report.listenerException = await caught;
stopThrowing();

// The end: reads on a closed device, and the interface goes with the fd.
tun.close();
report.readAfterClose = tun.read(batch);
report.writeAfterClose = tun.write(replies.bytes, replies.starts, replies.lengths, 1);
report.ifIndexAfterClose = addon.ifIndex(tun.name);
let closedListenerCalls = 0;
tun.onReadable(() => closedListenerCalls++);
await sleep(50);
report.closedListenerCalls = closedListenerCalls;

// An interface deleted under an open fd.
const doomed = open('clatter-t1');
run('ip', 'link', 'delete', doomed.name);
report.readAfterDelete = doomed.read(batch);
doomed.close();

// Bad descriptors come back as values.
report.badFdRead = addon.readBatch(-1, batch.bytes, batch.slotBytes, 1, batch.lengths);
report.badFdWatch = addon.watch(-1, () => undefined);
report.EBADF = Errno.EBADF;

socket.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
