// Builders for discovery tests: ND options, Router Advertisements and RTM_NEWNDUSEROPT netlink
// messages written field by field from RFC 8781 §4, RFC 4861 §4.2 and the kernel's nduseroptmsg layout.

import { formatIpv6Prefix, parseIpv6, type Ipv6Prefix } from '../../core/wire/address.js';
import { hostIsLittleEndian } from '../../core/wire/netlink.js';
import type { NdUserOptSource } from '../../core/discovery/ra-discovery.js';
import { concat } from './packet-builder.js';

export { concat };

export function addr(text: string): Uint8Array {
  const bytes = parseIpv6(text);
  if (bytes === undefined) throw new Error(`bad IPv6 address in a test: ${text}`);
  return bytes;
}

export function prefix(text: string): Ipv6Prefix {
  const [address, length] = text.split('/');
  return { address: addr(address), length: Number(length) };
}

export function prefixText(value: Ipv6Prefix): string {
  return formatIpv6Prefix(value);
}

/** An ND option: type, length in 8-octet units, body padded with zeros to a multiple of 8. */
export function ndOption(type: number, body: Uint8Array | number[]): Uint8Array {
  const lengthBytes = Math.ceil((2 + body.length) / 8) * 8;
  const out = new Uint8Array(lengthBytes);
  out[0] = type;
  out[1] = lengthBytes / 8;
  out.set(body, 2);
  return out;
}

export interface Pref64Fields {
  /** The first 96 bits are written; the rest of the address is dropped. */
  readonly prefix: string;
  readonly plc: number;
  readonly scaledLifetime: number;
  /** The Length field (units of 8 octets); 2 unless a test wants it wrong. */
  readonly length?: number;
}

/** RFC 8781 §4: Type 38, Length 2, Scaled Lifetime (13 bits) | PLC (3 bits), highest 96 bits. */
export function pref64Option(fields: Pref64Fields): Uint8Array {
  const length = fields.length ?? 2;
  const out = new Uint8Array(Math.max(length, 2) * 8);
  out[0] = 38;
  out[1] = length;
  const word = ((fields.scaledLifetime & 0x1fff) << 3) | (fields.plc & 0x7);
  out[2] = word >>> 8;
  out[3] = word & 0xff;
  out.set(addr(fields.prefix).subarray(0, 12), 4);
  return out;
}

export interface RaFields {
  readonly curHopLimit?: number;
  readonly flags?: number;
  readonly routerLifetimeS?: number;
  readonly reachableTimeMs?: number;
  readonly retransTimerMs?: number;
}

/** RFC 4861 §4.2, from the ICMPv6 type on (checksum left 0: the kernel checks it, not the parser). */
export function routerAdvertisement(fields: RaFields, ...options: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  header[0] = 134;
  header[4] = fields.curHopLimit ?? 64;
  header[5] = fields.flags ?? 0;
  view.setUint16(6, fields.routerLifetimeS ?? 1800);
  view.setUint32(8, fields.reachableTimeMs ?? 0);
  view.setUint32(12, fields.retransTimerMs ?? 0);
  return concat(header, ...options);
}

export interface NdUserOptFields {
  readonly ifindex: number;
  readonly options: Uint8Array;
  readonly router?: string | null;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly family?: number;
  readonly messageType?: number;
}

const align4 = (n: number) => (n + 3) & ~3;

/** nlmsghdr + nduseroptmsg + options (padded to 4) + NDUSEROPT_SRCADDR, as ndisc_ra_useropt() sends. */
export function ndUserOptMessage(fields: NdUserOptFields): Uint8Array {
  const optionsBytes = fields.options.length;
  const attributeBytes = fields.router === null ? 0 : 4 + 16;
  const total = 16 + align4(16 + optionsBytes) + attributeBytes;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const le = hostIsLittleEndian;
  view.setUint32(0, total, le);
  view.setUint16(4, fields.messageType ?? 68, le);
  view.setUint32(8, 0, le); // seq: multicast notifications carry 0
  out[16] = fields.family ?? 10;
  view.setUint16(18, optionsBytes, le);
  view.setInt32(20, fields.ifindex, le);
  out[24] = fields.icmpType ?? 134;
  out[25] = fields.icmpCode ?? 0;
  out.set(fields.options, 32);
  if (fields.router !== null) {
    const at = 16 + align4(16 + optionsBytes);
    view.setUint16(at, 20, le);
    view.setUint16(at + 2, 1, le); // NDUSEROPT_SRCADDR
    out.set(addr(fields.router ?? 'fe80::1'), at + 4);
  }
  return out;
}

/** A bare netlink header of `type` with an optional payload (NLMSG_DONE, NLMSG_ERROR, anything else). */
export function netlinkMessage(type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const total = 16 + payload.length;
  const out = new Uint8Array(align4(total));
  const view = new DataView(out.buffer);
  view.setUint32(0, total, hostIsLittleEndian);
  view.setUint16(4, type, hostIsLittleEndian);
  out.set(payload, 16);
  return out;
}

/** The test double of the netlink socket: the test pushes datagrams; the buffer is reused like a real read. */
export class FakeNdUserOptSource implements NdUserOptSource {
  listener: ((bytes: Uint8Array) => void) | null = null;
  closed = false;
  readonly #buffer = new Uint8Array(8192);

  onMessage(listener: (bytes: Uint8Array) => void): void {
    this.listener = listener;
  }

  close(): void {
    this.closed = true;
  }

  push(datagram: Uint8Array): void {
    if (this.closed || this.listener === null) return;
    this.#buffer.set(datagram);
    this.listener(this.#buffer.subarray(0, datagram.length));
    this.#buffer.fill(0);
  }
}

/** RFC 8106 §5.1: Type 25, Length 1 + 2 per address, Reserved, Lifetime (s), the addresses. */
export function rdnssOption(lifetimeS: number, ...addresses: string[]): Uint8Array {
  const out = new Uint8Array(8 + 16 * addresses.length);
  out[0] = 25;
  out[1] = out.length / 8;
  new DataView(out.buffer).setUint32(4, lifetimeS);
  addresses.forEach((text, i) => out.set(addr(text), 8 + 16 * i));
  return out;
}
