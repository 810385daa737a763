// rtnetlinkEvents (core/engine/rtnetlink-events.ts) over datagrams written field by field in host
// byte order, as the kernel sends them to an rtnetlink multicast subscription: link, address and
// route messages, several in one datagram; other types skipped; NLMSG_DONE, a truncated or a
// malformed message end the parse without throwing.

import { describe, expect, it } from 'vitest';
import { hostIsLittleEndian } from '../../core/wire/netlink.js';
import { afInet, afInet6, ifaFlagDeprecated, rtnetlinkEvents } from '../../core/engine/rtnetlink-events.js';
import { addr6, concat } from './packet-builder.js';
import { netlinkMessage } from './discovery-fixtures.js';

const le = hostIsLittleEndian;

/** rtnetlink message types (linux/rtnetlink.h) and the netlink ones that end or fill a datagram. */
const rtm = { newLink: 16, delLink: 17, newAddr: 20, delAddr: 21, newRoute: 24, delRoute: 25, newNeigh: 28, newNdUserOpt: 68 } as const;
const nlmsg = { noop: 1, error: 2, done: 3 } as const;

/** Address attributes (linux/if_addr.h). */
const ifa = { address: 1, local: 2, label: 3, cacheinfo: 6, flags: 8 } as const;

/** An attribute: u16 length (header included), u16 type, the value, padded to 4. */
function attribute(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array((4 + value.length + 3) & ~3);
  const view = new DataView(out.buffer);
  view.setUint16(0, 4 + value.length, le);
  view.setUint16(2, type, le);
  out.set(value, 4);
  return out;
}

/** ifinfomsg: u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change. */
function linkMessage(type: number, ifindex: number): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint16(2, 1, le); // ARPHRD_ETHER
  view.setInt32(4, ifindex, le);
  view.setUint32(8, 0x1043, le); // IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST
  // IFLA_MTU, as the kernel sends after the header.
  const mtu = new Uint8Array(4);
  new DataView(mtu.buffer).setUint32(0, 1500, le);
  return netlinkMessage(type, concat(body, attribute(4, mtu)));
}

/** ifaddrmsg: u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index; then the attributes. */
function addressMessage(type: number, f: { family: number; prefixLength: number; ifindex: number; flags?: number }, ...attributes: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(8);
  body[0] = f.family;
  body[1] = f.prefixLength;
  body[2] = f.flags ?? 0;
  new DataView(body.buffer).setUint32(4, f.ifindex, le);
  return netlinkMessage(type, concat(body, ...attributes));
}

/** rtmsg: u8 family, u8 dst_len, u8 src_len, u8 tos, u8 table, u8 protocol, u8 scope, u8 type, u32 flags. */
function routeMessage(type: number, family: number, destinationLength: number, ...attributes: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(12);
  body.set([family, destinationLength, 0, 0, 254, 9, 0, 1]); // main table, RTPROT_RA, universe, unicast
  return netlinkMessage(type, concat(body, ...attributes));
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, le);
  return bytes;
}

const slaac = '2001:db8:1:2:5054:ff:fe12:3456';

/** What the kernel sends when SLAAC adds or refreshes an address: IFA_ADDRESS, IFA_CACHEINFO, IFA_FLAGS. */
function slaacAddress(type: number, ifindex = 3): Uint8Array {
  return addressMessage(type, { family: afInet6, prefixLength: 64, ifindex }, attribute(ifa.address, addr6(slaac)), attribute(ifa.cacheinfo, new Uint8Array(16)), attribute(ifa.flags, Uint8Array.of(0, 1, 0, 0)));
}

describe('rtnetlinkEvents: one message', () => {
  it('reads RTM_NEWLINK and RTM_DELLINK as link events with the interface index', () => {
    expect(rtnetlinkEvents(linkMessage(rtm.newLink, 3))).toEqual([{ kind: 'link', ifindex: 3 }]);
    expect(rtnetlinkEvents(linkMessage(rtm.delLink, 70_000))).toEqual([{ kind: 'link', ifindex: 70_000 }]);
  });

  it('reads RTM_NEWADDR as an added address: family, prefix length, interface and IFA_ADDRESS', () => {
    expect(rtnetlinkEvents(slaacAddress(rtm.newAddr, 3))).toEqual([{ kind: 'address', added: true, ifindex: 3, family: afInet6, prefixLength: 64, flags: 0, address: addr6(slaac) }]);
  });

  it('reads the address flags (ifa_flags): a deprecated address says so', () => {
    const deprecated = addressMessage(rtm.newAddr, { family: afInet6, prefixLength: 64, ifindex: 3, flags: ifaFlagDeprecated }, attribute(ifa.address, addr6(slaac)));
    expect(rtnetlinkEvents(deprecated)).toEqual([{ kind: 'address', added: true, ifindex: 3, family: afInet6, prefixLength: 64, flags: ifaFlagDeprecated, address: addr6(slaac) }]);
  });

  it('reads RTM_DELADDR as a removed address', () => {
    expect(rtnetlinkEvents(slaacAddress(rtm.delAddr, 5))).toEqual([{ kind: 'address', added: false, ifindex: 5, family: afInet6, prefixLength: 64, flags: 0, address: addr6(slaac) }]);
  });

  it('finds IFA_ADDRESS after other attributes, each padded to 4', () => {
    const message = addressMessage(
      rtm.newAddr,
      { family: afInet, prefixLength: 24, ifindex: 2 },
      attribute(ifa.local, Uint8Array.of(192, 0, 2, 7)),
      attribute(ifa.label, new TextEncoder().encode('eth0\0')), // 9 bytes, padded to 12
      attribute(ifa.address, Uint8Array.of(192, 0, 2, 7)),
    );
    expect(rtnetlinkEvents(message)).toEqual([{ kind: 'address', added: true, ifindex: 2, family: afInet, prefixLength: 24, flags: 0, address: Uint8Array.of(192, 0, 2, 7) }]);
  });

  it('gives a null address when the message has no IFA_ADDRESS', () => {
    const message = addressMessage(rtm.newAddr, { family: afInet6, prefixLength: 64, ifindex: 3 }, attribute(ifa.cacheinfo, new Uint8Array(16)));
    expect(rtnetlinkEvents(message)).toEqual([{ kind: 'address', added: true, ifindex: 3, family: afInet6, prefixLength: 64, flags: 0, address: null }]);
  });

  it('gives a null address when an attribute before IFA_ADDRESS is malformed', () => {
    const broken = attribute(ifa.cacheinfo, new Uint8Array(16));
    new DataView(broken.buffer).setUint16(0, 2, le); // shorter than its own header
    const message = addressMessage(rtm.newAddr, { family: afInet6, prefixLength: 64, ifindex: 3 }, broken, attribute(ifa.address, addr6(slaac)));
    expect(rtnetlinkEvents(message).map((event) => event.kind === 'address' && event.address)).toEqual([null]);
  });

  it('copies the address: the datagram may be reused once the call returns', () => {
    const datagram = slaacAddress(rtm.newAddr);
    const [event] = rtnetlinkEvents(datagram);
    datagram.fill(0);
    expect(event.kind === 'address' && event.address).toEqual(addr6(slaac));
  });

  it('reads RTM_NEWROUTE and RTM_DELROUTE as route events with family and destination length', () => {
    expect(rtnetlinkEvents(routeMessage(rtm.newRoute, afInet6, 0))).toEqual([{ kind: 'route', added: true, family: afInet6, destinationLength: 0, oif: 0, gateway: null }]);
    expect(rtnetlinkEvents(routeMessage(rtm.delRoute, afInet, 24))).toEqual([{ kind: 'route', added: false, family: afInet, destinationLength: 24, oif: 0, gateway: null }]);
  });

  it("reads a route's interface (RTA_OIF) and next hop (RTA_GATEWAY)", () => {
    const router = addr6('fe80::1');
    const [event] = rtnetlinkEvents(routeMessage(rtm.newRoute, afInet6, 0, attribute(5, router), attribute(4, u32(7))));
    expect(event).toEqual({ kind: 'route', added: true, family: afInet6, destinationLength: 0, oif: 7, gateway: router });
  });
});

describe('rtnetlinkEvents: datagrams', () => {
  const link = linkMessage(rtm.newLink, 3);
  const address = slaacAddress(rtm.newAddr);
  const route = routeMessage(rtm.newRoute, afInet6, 0);

  it('reads every message of a datagram, in order', () => {
    const events = rtnetlinkEvents(concat(address, link, route, address));
    expect(events.map((event) => event.kind)).toEqual(['address', 'link', 'route', 'address']);
  });

  it('reads a datagram that is a view into a larger buffer', () => {
    const slab = concat(new Uint8Array(12).fill(0xff), link, address);
    expect(rtnetlinkEvents(slab.subarray(12))).toEqual(rtnetlinkEvents(concat(link, address)));
  });

  it('skips other message types', () => {
    const others = [nlmsg.noop, nlmsg.error, rtm.newNeigh, rtm.newNdUserOpt].map((type) => netlinkMessage(type, new Uint8Array(20)));
    const events = rtnetlinkEvents(concat(others[0], link, others[1], others[2], route, others[3]));
    expect(events.map((event) => event.kind)).toEqual(['link', 'route']);
  });

  it('ends at NLMSG_DONE', () => {
    const events = rtnetlinkEvents(concat(link, netlinkMessage(nlmsg.done, new Uint8Array(4)), address, route));
    expect(events.map((event) => event.kind)).toEqual(['link']);
  });

  it('skips a message whose body is shorter than its rtnetlink header, and reads on', () => {
    const shortBodies = [rtm.newLink, rtm.newAddr, rtm.newRoute].map((type) => netlinkMessage(type, new Uint8Array(4)));
    const events = rtnetlinkEvents(concat(...shortBodies, address));
    expect(events.map((event) => event.kind)).toEqual(['address']);
  });

  it('cut anywhere, gives the events of the messages before the cut and does not throw', () => {
    const messages = [link, address, route, address];
    const datagram = concat(...messages);
    const all = rtnetlinkEvents(datagram);
    let whole = 0;
    let end = messages[0].length;
    for (let cut = 0; cut <= datagram.length; cut++) {
      while (whole < messages.length && end <= cut) end += messages[++whole]?.length ?? 0;
      expect(rtnetlinkEvents(datagram.subarray(0, cut)), `cut at ${cut}`).toEqual(all.slice(0, whole));
    }
  });

  it('stops at a length shorter than a netlink header or longer than the datagram', () => {
    const tooShort = link.slice();
    new DataView(tooShort.buffer).setUint32(0, 8, le);
    expect(rtnetlinkEvents(concat(route, tooShort, link))).toEqual(rtnetlinkEvents(route));
    const tooLong = link.slice();
    new DataView(tooLong.buffer).setUint32(0, 4096, le);
    expect(rtnetlinkEvents(concat(route, tooLong, link))).toEqual(rtnetlinkEvents(route));
    expect(rtnetlinkEvents(new Uint8Array(0))).toEqual([]);
  });
});
