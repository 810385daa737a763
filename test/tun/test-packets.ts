// Packets the TUN and socket tests send through the kernel, built byte by byte with valid
// checksums (the kernel drops packets whose checksums are wrong before any socket sees them).

import { parseIpv4, parseIpv6 } from '../../core/wire/address.js';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { write16, write32 } from '../../core/wire/bytes.js';

function ipv4(text: string): number {
  const address = parseIpv4(text);
  if (address === undefined) throw new Error(`bad IPv4 address ${text}`);
  return address;
}

function ipv6(text: string): Uint8Array {
  const address = parseIpv6(text);
  if (address === undefined) throw new Error(`bad IPv6 address ${text}`);
  return address;
}

/** Writes an IPv4/UDP packet at `out[at]` and returns its length. */
export function writeIpv4Udp(out: Uint8Array, at: number, src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array): number {
  const length = 20 + 8 + payload.length;
  out.fill(0, at, at + 28);
  out[at] = 0x45; // version 4, 5 words of header
  write16(out, at + 2, length);
  out[at + 6] = 0x40; // DF
  out[at + 8] = 64; // TTL
  out[at + 9] = 17; // UDP
  write32(out, at + 12, ipv4(src));
  write32(out, at + 16, ipv4(dst));
  write16(out, at + 10, finishChecksum(sumWords(out, at, at + 20)));
  const udp = at + 20;
  write16(out, udp, srcPort);
  write16(out, udp + 2, dstPort);
  write16(out, udp + 4, 8 + payload.length);
  out.set(payload, udp + 8);
  // RFC 768 pseudo-header: addresses, protocol, UDP length.
  let sum = sumWords(out, at + 12, at + 20) + 17 + 8 + payload.length;
  sum = sumWords(out, udp, udp + 8 + payload.length, sum);
  write16(out, udp + 6, finishChecksum(sum) || 0xffff);
  return length;
}

/** An IPv6 packet with hop limit 255 around an ICMPv6 or UDP `body` whose checksum is at `checksumAt`. */
function ipv6Packet(src: string, dst: string, nextHeader: number, body: Uint8Array, checksumAt: number): Uint8Array {
  const packet = new Uint8Array(40 + body.length);
  packet[0] = 0x60;
  write16(packet, 4, body.length);
  packet[6] = nextHeader;
  packet[7] = 255; // RFC 4861 §6.1.2: an RA must arrive with hop limit 255
  packet.set(ipv6(src), 8);
  packet.set(ipv6(dst), 24);
  packet.set(body, 40);
  // RFC 8200 §8.1 pseudo-header: addresses, upper-layer length, next header.
  const sum = sumWords(packet, 8, 40, body.length + nextHeader);
  write16(packet, 40 + checksumAt, finishChecksum(sumWords(packet, 40, packet.length, sum)));
  return packet;
}

/** A Router Advertisement (RFC 4861 §4.2, router lifetime 0) with a PREF64 option (RFC 8781) for 64:ff9b::/96. */
export function routerAdvertisementWithPref64(src: string): Uint8Array {
  const body = new Uint8Array(16 + 16);
  body[0] = 134; // Router Advertisement
  body[4] = 64; // current hop limit
  const option = 16;
  body[option] = 38; // PREF64
  body[option + 1] = 2; // 2 × 8 bytes
  write16(body, option + 2, 600); // scaled lifetime 75 (× 8 s) << 3 | PLC 0 (/96)
  body.set(ipv6('64:ff9b::').subarray(0, 12), option + 4);
  return ipv6Packet(src, 'ff02::1', 58, body, 2);
}

/** An IPv6/UDP packet (the test's BPF filter must not pass it). */
export function ipv6Udp(src: string, dst: string, payload: Uint8Array): Uint8Array {
  const body = new Uint8Array(8 + payload.length);
  write16(body, 0, 40000);
  write16(body, 2, 40001);
  write16(body, 4, body.length);
  body.set(payload, 8);
  return ipv6Packet(src, dst, 17, body, 6);
}
