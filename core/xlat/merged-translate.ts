// IPv6 → IPv4 for TCP packets that arrive merged: GRO on the uplink, or a peer on the same machine
// whose TSO sends its segments over a veth as one, hands a packet socket IPv6 packets longer than
// the uplink MTU (up to 64 KiB), each standing for several segments of one TCP stream. RFC 7915
// translates headers only, so each of those segments would become an IPv4 segment with the same
// payload and the same translated headers but for the lengths; the merged packet is translated
// once as the IPv4 packet those segments make together: its headers alone through the translator
// (length fields set to match), then the payload appended and the lengths written (as
// vnet-translate.ts does for a TUN's super-packets). The host's IPv4 stack takes it from the TUN as
// it takes a GRO packet: an MTU limits what is sent, not what is received.
//
// The checksum must be whole on the way in (the packet reader finishes partial ones,
// core/tun/native/packet-read.c): the translator's RFC 1624 update of a TCP checksum depends on the
// addresses only (the TCP length is the same in both pseudo-headers), so made on the headers it is
// right for the whole packet.
//
// Not translatable as one packet (mergedUntranslatable; the engine counts a named drop): UDP,
// whose merged datagrams must stay apart at boundaries the packet does not show; extension headers
// (GRO merges TCP right after the fixed header); hairpinned destinations; more than 65535 bytes as
// IPv4 (a jumbogram, RFC 2675, from BIG TCP).
//
// Contract: `b[s, s + n)` is the packet; it is left as it was. Standard-only, allocation-free.

import { write16 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum } from '../wire/ipv4.js';
import * as ipv6HeaderExports from '../wire/ipv6-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { copyBytes } from './copy-bytes.js';
import type { XlatOutput } from './output.js';
import type { Translator } from './translator.js';
import { Verdict } from './verdict.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const ipv6Header = { ...ipv6HeaderExports };
const transportHeader = { ...transportHeaderExports };

/** The merged packet cannot be translated as one IPv4 packet (nothing was written). */
export const mergedUntranslatable = -1;

/** Translates the merged IPv6 TCP packet `b[s, s + n)`; returns a verdict, or mergedUntranslatable. */
export function translateMerged64(translator: Translator, b: Uint8Array, s: number, n: number, out: XlatOutput): number {
  out.count = 0;
  if (n < 60 || ipv6Header.version(b, s) !== 6 || ipv6Header.nextHeader(b, s) !== protocol.tcp) return mergedUntranslatable;
  const payloadLen = ipv6Header.payloadLength(b, s);
  const headerBytes = 40 + transportHeader.tcpDataOffset(b, s + 40);
  const total = n - 20;
  if (payloadLen + 40 !== n || headerBytes < 60 || headerBytes > n || total > 0xffff) return mergedUntranslatable;

  write16(b, s + 4, headerBytes - 40);
  const verdict = translator.translateAt(b, s, headerBytes, out);
  write16(b, s + 4, payloadLen);
  // An error (hop limit, no mapping) quotes the headers: enough for the sender to match it.
  if (verdict !== Verdict.translated) return verdict;
  const o = out.buffer;
  const p = out.start[0];
  if (out.count !== 1 || out.family[0] !== 4 || out.length[0] !== headerBytes - 20) {
    out.count = 0;
    return mergedUntranslatable;
  }
  if (p + total > o.length) {
    out.count = 0;
    return Verdict.outputTooLarge;
  }
  copyBytes(b, s + headerBytes, o, p + headerBytes - 20, n - headerBytes);
  out.length[0] = total;
  write16(o, p + 2, total);
  // RFC 7915 §5.1: longer than 1260 bytes, so DF set; RFC 6864 §4.1: an atomic datagram's
  // Identification means nothing. (The translator chose by the headers' length alone.)
  write16(o, p + 4, 0);
  write16(o, p + 6, 0x4000);
  fillIpv4HeaderChecksum(o, p, 20);
  return Verdict.translated;
}
