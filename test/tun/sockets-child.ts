// Runs inside a test network namespace (started by test/unit/tun-sockets.test.ts): the sockets
// of discovery and of the pre-6.17 data path on a veth pair, va ↔ vb. One Router Advertisement
// with a PREF64 option, sent out of va through the raw send socket, must reach on vb: the raw
// ICMPv6 socket (with arrival interface and hop limit), the kernel's RA handling (which passes
// PREF64 to the netlink socket as RTM_NEWNDUSEROPT) and the packet socket (through its BPF
// filter, which drops a UDP packet sent the same way). Prints what it saw as one JSON line.

import { readFileSync } from 'node:fs';
import { Errno } from '../../core/tun/errno.js';
import { nativeAddon } from '../../core/tun/native-addon.js';
import { Bpf, encodeSockFilter } from '../../core/tun/sock-filter.js';
import { parseIpv6, formatIpv6 } from '../../core/wire/address.js';
import { assertInTestNetns, run } from './netns-guard.js';
import { ipv6Udp, routerAdvertisementWithPref64 } from './test-packets.js';

assertInTestNetns();

const addon = nativeAddon();
const { constants } = addon;
const report: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function fd(result: number, what: string): number {
  if (result < 0) throw new Error(`${what}: errno ${-result}`);
  return result;
}

run('ip', 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
run('ip', 'link', 'set', 'va', 'up');
run('ip', 'link', 'set', 'vb', 'up');
const vbIndex = addon.ifIndex('vb');
report.vbIndex = vbIndex;

// Only ICMPv6 Router Advertisements: next header 58 at offset 6, ICMPv6 type at offset 40.
const raOnly = encodeSockFilter([
  [Bpf.LD | Bpf.B | Bpf.ABS, 0, 0, 6],
  [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, 3, 58],
  [Bpf.LD | Bpf.B | Bpf.ABS, 0, 0, 40],
  [Bpf.JMP | Bpf.JEQ | Bpf.K, 0, 1, constants.ND_ROUTER_ADVERT],
  [Bpf.RET | Bpf.K, 0, 0, 0xffff],
  [Bpf.RET | Bpf.K, 0, 0, 0],
]);

const icmp = fd(addon.rawIcmp6Open('vb', [constants.ND_ROUTER_ADVERT]), 'rawIcmp6Open');
const netlink = fd(addon.netlinkOpen(constants.NETLINK_ROUTE, 1 << (constants.RTNLGRP_ND_USEROPT - 1)), 'netlinkOpen');
const packets = fd(addon.packetOpen('vb', raOnly), 'packetOpen');
const sender = fd(addon.rawIp6SendOpen('va'), 'rawIp6SendOpen');
report.emptyNetlinkRead = addon.readBatch(netlink, new Uint8Array(64), 64, 1, new Int32Array(1));
report.emptyRecv = addon.recvFrom6(icmp, new Uint8Array(64), new Uint8Array(16), new Int32Array(2));

// Readiness of the raw ICMPv6 socket through watch().
let icmpReadable = 0;
const watch = addon.watch(icmp, () => {
  icmpReadable++;
  if (typeof watch !== 'number') addon.unwatch(watch); // one call tells; the data stays queued
});

const ra = routerAdvertisementWithPref64('fe80::1');
const udp = ipv6Udp('fe80::1', 'ff02::1', new TextEncoder().encode('not for the filter'));
report.sentRa = hex(ra);

// vb may still be coming up (carrier, IPv6 device state): send until the RA has been seen.
const buffer = new Uint8Array(2048);
const source = new Uint8Array(16);
const meta = new Int32Array(2);
const received: { length: number; type: number; source: string; ifIndex: number; hopLimit: number }[] = [];
for (let attempt = 0; attempt < 50 && received.length === 0; attempt++) {
  report.sendUdp = addon.sendTo6(sender, udp);
  report.sendRa = addon.sendTo6(sender, ra);
  await sleep(100);
  for (let n; (n = addon.recvFrom6(icmp, buffer, source, meta)) > 0; ) {
    received.push({ length: n, type: buffer[0], source: formatIpv6(source), ifIndex: meta[0], hopLimit: meta[1] });
  }
}
report.icmpReceived = received;
report.icmpReadable = icmpReadable;

// Netlink: the kernel's RA handling passed the PREF64 option on (struct nduseroptmsg).
const slab = new Uint8Array(16 * 4096);
const lengths = new Int32Array(16);
const netlinkCount = addon.readBatch(netlink, slab, 4096, 16, lengths);
const userOptions = [];
for (let i = 0; i < netlinkCount; i++) {
  const view = new DataView(slab.buffer, i * 4096, lengths[i]);
  const type = view.getUint16(4, true);
  // nlmsghdr (16 bytes), then nduseroptmsg: family, pad, opts_len, ifindex, icmp type, icmp code, pads (16 bytes).
  const optionsBytes = view.getUint16(16 + 2, true);
  const optionsAt = i * 4096 + 32;
  userOptions.push({
    type,
    ifIndex: view.getInt32(16 + 4, true),
    icmpType: view.getUint8(16 + 8),
    options: hex(slab.subarray(optionsAt, optionsAt + optionsBytes)),
  });
}
report.netlinkMessages = userOptions;

// The packet socket: only the RAs passed the filter, not the UDP packets, not what vb sent. Read
// as the engine reads it (packetReadBatch): an ICMPv6 message has its checksum made in software,
// so the reader has nothing to finish (flags 0), and it reads the RAs as they were sent.
const packetSlab = new Uint8Array(64 * 2048);
const packetLengths = new Int32Array(64);
const packetFlags = new Int32Array(64).fill(-1);
const packetCount = addon.packetReadBatch(packets, packetSlab, 2048, 64, packetLengths, packetFlags, 1500);
report.packetSocketPackets = Array.from({ length: Math.max(packetCount, 0) }, (_, i) => hex(packetSlab.subarray(i * 2048, i * 2048 + packetLengths[i])));
report.packetSocketFlags = Array.from(packetFlags.subarray(0, Math.max(packetCount, 0)));

// Anycast: the kernel takes an address within a prefix of the interface (the CLAT's case).
run('ip', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'vb', 'nodad');
const anycastAddress = parseIpv6('2001:db8:1::64') as Uint8Array;
const anycastHex = hex(anycastAddress);
const anycastListed = () => readFileSync('/proc/net/anycast6', 'utf8').includes(anycastHex);
report.joinAnycast = addon.joinAnycast6(sender, vbIndex, anycastAddress);
report.anycastListedAfterJoin = anycastListed();
report.leaveAnycast = addon.leaveAnycast6(sender, vbIndex, anycastAddress);
report.anycastListedAfterLeave = anycastListed();
report.joinOffLink = addon.joinAnycast6(sender, vbIndex, parseIpv6('2001:db8:2::64') as Uint8Array);
const member = fd(addon.rawIp6SendOpen(null), 'rawIp6SendOpen(null)');
report.joinAgain = addon.joinAnycast6(member, vbIndex, anycastAddress);
report.closeMember = addon.close(member);
report.anycastListedAfterClose = anycastListed();

// Failures come back as values.
report.icmpNoDevice = addon.rawIcmp6Open('nonexistent0', null);
report.packetNoDevice = addon.packetOpen('nonexistent0', raOnly);
report.badProgram = addon.packetOpen('vb', encodeSockFilter([[0xffff, 0, 0, 0]]));
report.sendShort = addon.sendTo6(sender, new Uint8Array(20));
const unfiltered = addon.rawIcmp6Open(null, null);
report.unfilteredIcmp = unfiltered >= 0;
addon.close(unfiltered);
report.ENODEV = Errno.ENODEV;
report.EINVAL = Errno.EINVAL;

for (const descriptor of [icmp, netlink, packets, sender]) addon.close(descriptor);
process.stdout.write(`${JSON.stringify(report)}\n`);
