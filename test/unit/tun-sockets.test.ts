// The addon's sockets for discovery and the pre-6.17 data path, inside a throwaway network
// namespace on a veth pair: test/tun/sockets-child.ts does the I/O; the assertions are here.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childReport, createNetns, deleteNetns, netnsUnavailable, runInNetns } from '../tun/netns.js';

const child = fileURLToPath(new URL('../tun/sockets-child.ts', import.meta.url));
const unavailable = netnsUnavailable();

interface Report {
  vbIndex: number;
  sentRa: string;
  icmpReceived: { length: number; type: number; source: string; ifIndex: number; hopLimit: number }[];
  netlinkMessages: { type: number; ifIndex: number; icmpType: number; options: string }[];
  packetSocketPackets: string[];
  packetSocketFlags: number[];
  [key: string]: unknown;
}

describe.skipIf(unavailable !== undefined)(`native sockets in a network namespace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let netns: string | undefined;
  let report: Report;

  beforeAll(() => {
    netns = createNetns();
    report = childReport(runInNetns(netns, child));
  }, 60_000);
  afterAll(() => {
    if (netns !== undefined) deleteNetns(netns);
  });

  it('sends whole IPv6 packets through the raw send socket', () => {
    expect(report.sendRa).toBe(72);
    expect(report.sendUdp).toBe(66);
    expect(report.sendShort).toBe(report.EINVAL);
  });

  it('receives the Router Advertisement on the raw ICMPv6 socket with source, interface and hop limit', () => {
    expect(report.emptyRecv).toBe(-11); // EAGAIN
    expect(report.icmpReceived.length).toBeGreaterThan(0);
    for (const packet of report.icmpReceived) {
      expect(packet).toEqual({ length: 32, type: 134, source: 'fe80::1', ifIndex: report.vbIndex, hopLimit: 255 });
    }
    expect(report.icmpReadable).toBe(1);
  });

  it('gets the RA’s PREF64 option from the kernel as RTM_NEWNDUSEROPT on the netlink socket', () => {
    expect(report.emptyNetlinkRead).toBe(0);
    const forVb = report.netlinkMessages.filter((message) => message.ifIndex === report.vbIndex);
    expect(forVb.length).toBeGreaterThan(0);
    // RFC 8781: type 38, length 2, scaled lifetime 75 and PLC 0, then 64:ff9b::/96.
    expect(forVb[0]).toEqual({ type: 68, ifIndex: report.vbIndex, icmpType: 134, options: '260202580064ff9b0000000000000000' });
  });

  it('reads exactly what its BPF filter passes on the packet socket, from the IPv6 header on', () => {
    expect(report.packetSocketPackets.length).toBeGreaterThan(0);
    for (const packet of report.packetSocketPackets) expect(packet).toBe(report.sentRa);
    expect(report.packetSocketFlags).toEqual(report.packetSocketPackets.map(() => 0));
  });

  it('joins and leaves an anycast address on the interface; closing the socket leaves too', () => {
    expect(report.joinAnycast).toBe(0);
    expect(report.anycastListedAfterJoin).toBe(true);
    expect(report.leaveAnycast).toBe(0);
    expect(report.anycastListedAfterLeave).toBe(false);
    expect(report.joinOffLink).toBe(-99); // EADDRNOTAVAIL: not within a prefix of the interface
    expect(report.joinAgain).toBe(0);
    expect(report.closeMember).toBe(0);
    expect(report.anycastListedAfterClose).toBe(false);
  });

  it('returns failures as negative errno values', () => {
    expect(report.icmpNoDevice).toBe(report.ENODEV);
    expect(report.packetNoDevice).toBe(report.ENODEV);
    expect(report.badProgram).toBe(report.EINVAL);
    expect(report.unfilteredIcmp).toBe(true);
  });
});
