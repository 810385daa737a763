// RTM_NEWNDUSEROPT datagrams as the kernel builds them (ndisc_ra_useropt): several in one read, and
// everything that is not a Router Advertisement's options skipped.

import { describe, expect, it } from 'vitest';
import { parseNdUserOptMessages } from '../../core/discovery/nd-useropt-message.js';
import { hostIsLittleEndian } from '../../core/wire/netlink.js';
import { formatIpv6 } from '../../core/wire/address.js';
import { concat, ndOption, ndUserOptMessage, netlinkMessage, pref64Option, prefixText } from './discovery-fixtures.js';

const pref64 = (prefix: string, plc: number, scaledLifetime: number) => pref64Option({ prefix, plc, scaledLifetime });
const rdnss = ndOption(25, [0, 0, 0, 0, 0x07, 0x08, 0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 0x53]);

describe('parseNdUserOptMessages', () => {
  it('reads one message: ifindex, ICMP type and code, router, PREF64', () => {
    const messages = parseNdUserOptMessages(ndUserOptMessage({ ifindex: 3, router: 'fe80::1', options: pref64('2001:db8:64::', 0, 225) }));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect([message.ifindex, message.icmpType, message.icmpCode]).toEqual([3, 134, 0]);
    expect(message.router && formatIpv6(message.router)).toBe('fe80::1');
    expect(message.options).toEqual([{ type: 38, offset: 32, lengthBytes: 16 }]);
    expect(message.pref64.map((option) => [prefixText(option.prefix), option.lifetimeS])).toEqual([['2001:db8:64::/96', 1800]]);
  });

  it('matches a header written byte by byte in host order', () => {
    const le = hostIsLittleEndian;
    const bytes = new Uint8Array(16 + 16 + 16 + 20);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, bytes.length, le);
    view.setUint16(4, 68, le); // RTM_NEWNDUSEROPT
    bytes[16] = 10; // AF_INET6
    view.setUint16(18, 16, le); // nduseropt_opts_len
    view.setInt32(20, 7, le); // nduseropt_ifindex
    bytes[24] = 134;
    bytes.set(pref64('2001:db8:122:344::', 1, 75), 32);
    view.setUint16(48, 20, le);
    view.setUint16(50, 1, le); // NDUSEROPT_SRCADDR
    bytes.set([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02], 52);
    const [message] = parseNdUserOptMessages(bytes);
    expect(message.ifindex).toBe(7);
    expect(message.router && formatIpv6(message.router)).toBe('fe80::2');
    expect(message.pref64.map((option) => [prefixText(option.prefix), option.lifetimeS])).toEqual([['2001:db8:122:344::/64', 600]]);
  });

  it('reads several messages from one datagram and skips non-RA ICMP types, other families and other netlink types', () => {
    const datagram = concat(
      ndUserOptMessage({ ifindex: 2, router: 'fe80::a', options: pref64('2001:db8:64::', 0, 225) }),
      ndUserOptMessage({ ifindex: 2, router: 'fe80::b', options: pref64('2001:db8:65::', 0, 225), icmpType: 135 }),
      netlinkMessage(16, new Uint8Array(20)), // RTM_NEWLINK: not ours
      ndUserOptMessage({ ifindex: 2, router: 'fe80::c', options: pref64('2001:db8:66::', 0, 225), family: 2 }),
      ndUserOptMessage({ ifindex: 4, router: 'fe80::d', options: rdnss }),
      netlinkMessage(2, new Uint8Array(20)), // NLMSG_ERROR: skipped
      ndUserOptMessage({ ifindex: 5, router: null, options: pref64('2001:db8:67::', 5, 0) }),
      netlinkMessage(3), // NLMSG_DONE: the end
      ndUserOptMessage({ ifindex: 6, router: 'fe80::f', options: pref64('2001:db8:68::', 0, 225) }),
    );
    const messages = parseNdUserOptMessages(datagram);
    expect(messages.map((message) => [message.ifindex, message.router && formatIpv6(message.router)])).toEqual([
      [2, 'fe80::a'],
      [4, 'fe80::d'],
      [5, null],
    ]);
    expect(messages[1].options.map((option) => option.type)).toEqual([25]);
    expect(messages[1].pref64).toEqual([]);
    expect(messages[2].pref64.map((option) => [prefixText(option.prefix), option.lifetimeS])).toEqual([['2001:db8::/32', 0]]);
  });

  it('reads every PREF64 when one message carries several options', () => {
    const options = concat(pref64('2001:db8:64::', 0, 10), rdnss, pref64('2001:db8:65::', 0, 20));
    const [message] = parseNdUserOptMessages(ndUserOptMessage({ ifindex: 2, options }));
    expect(message.pref64.map((option) => option.lifetimeS)).toEqual([80, 160]);
  });

  it('stops at a length that does not fit and skips a message whose options are malformed', () => {
    const good = ndUserOptMessage({ ifindex: 2, options: pref64('2001:db8:64::', 0, 225) });
    const overlong = ndUserOptMessage({ ifindex: 3, options: pref64('2001:db8:65::', 0, 225) });
    new DataView(overlong.buffer).setUint32(0, 4096, hostIsLittleEndian);
    expect(parseNdUserOptMessages(concat(good, overlong)).map((message) => message.ifindex)).toEqual([2]);
    const zeroLength = ndUserOptMessage({ ifindex: 4, options: Uint8Array.of(38, 0, 0, 0, 0, 0, 0, 0) });
    expect(parseNdUserOptMessages(concat(zeroLength, good)).map((message) => message.ifindex)).toEqual([2]);
    expect(parseNdUserOptMessages(new Uint8Array(0))).toEqual([]);
    expect(parseNdUserOptMessages(good.subarray(0, 15))).toEqual([]);
  });

  it('does not keep the buffer: the router and prefix survive its reuse', () => {
    const bytes = ndUserOptMessage({ ifindex: 2, router: 'fe80::1', options: pref64('2001:db8:64::', 0, 225) });
    const [message] = parseNdUserOptMessages(bytes);
    bytes.fill(0);
    expect(message.router && formatIpv6(message.router)).toBe('fe80::1');
    expect(prefixText(message.pref64[0].prefix)).toBe('2001:db8:64::/96');
  });

  it('never throws on random bytes', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const template = ndUserOptMessage({ ifindex: 2, options: pref64('2001:db8:64::', 0, 225) });
    for (let n = 0; n < 3000; n++) {
      const bytes = n % 2 === 0 ? Uint8Array.from({ length: random() % 90 }, random) : template.slice();
      if (n % 2 === 1) for (let k = 0; k < 3; k++) bytes[random() % bytes.length] = random();
      // Whatever survives is about a Router Advertisement, with PREF64 lengths RFC 8781 §4 allows.
      for (const message of parseNdUserOptMessages(bytes)) {
        expect(message.icmpType).toBe(134);
        for (const option of message.pref64) expect(['32', '40', '48', '56', '64', '96']).toContain(prefixText(option.prefix).split('/')[1]);
      }
    }
  });
});
