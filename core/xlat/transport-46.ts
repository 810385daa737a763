// RFC 7915 §4.5 and §4.3: IPv4 → IPv6, the upper-layer header after its IP header changed. One
// fix-up for the outer packet and for the packet quoted in an ICMP error: the TCP and UDP checksums
// follow the new pseudo-header addresses by RFC 1624 (never re-summed; for a quote the checksum
// covers the whole original packet, so the update is exact even when the quote is cut), and an
// ICMP Echo gets its ICMPv6 type and the pseudo-header ICMPv6 adds (RFC 4443 §2.3).
// What is not fixed is reported (transport-fix.ts): the outer packet refuses it, a quote keeps it.

import { adjustChecksum, sumWords } from '../wire/checksum.js';
import { read16, write16 } from '../wire/bytes.js';
import * as icmpHeaderExports from '../wire/icmp-header.js';
import * as ipv4HeaderExports from '../wire/ipv4-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { icmpField, icmpv6Field, tcpField, udpField } from './explain-fields.js';
import { icmp4to6 } from './icmp-map.js';
import type { XlatRecorder } from './recorder.js';
import { addressSum4, noteChecksumUpdate, TransportFix, udpChecksumToSend } from './transport-fix.js';
import type { PacketLayer, Xlation } from './xlation.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const icmpHeader = { ...icmpHeaderExports };
const ipv4Header = { ...ipv4HeaderExports };
const transportHeader = { ...transportHeaderExports };

/** The upper-layer header of `layer`, copied to `layer.outL4`, whose IPv6 addresses are in place. */
export function fixTransport46(x: Xlation, layer: PacketLayer): number {
  const b = x.b;
  const o = x.out.buffer;
  const h = layer.outL4;
  const a = layer.outIp;
  const rec = x.rec;
  switch (layer.proto) {
    case protocol.tcp: {
      if (layer.copied < 18) return TransportFix.tooShort;
      write16(o, h + 16, adjustChecksum(transportHeader.tcpChecksum(o, h), oldAddressSum(b, layer.inIp), sumWords(o, a + 8, a + 40)));
      if (rec !== null) noteChecksumUpdate(rec, layer, tcpField.checksum, 'RFC 7915 §4.5, RFC 1624', 'RFC 7915 §4.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.udp: {
      if (layer.copied < 8) return TransportFix.tooShort;
      const checksum = transportHeader.udpChecksum(o, h);
      if (checksum === 0) return TransportFix.zeroUdpChecksum;
      write16(o, h + 6, udpChecksumToSend(adjustChecksum(checksum, oldAddressSum(b, layer.inIp), sumWords(o, a + 8, a + 40))));
      if (rec !== null) noteChecksumUpdate(rec, layer, udpField.checksum, 'RFC 7915 §4.5, RFC 1624', 'RFC 7915 §4.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.icmp: {
      if (layer.copied < 4) return TransportFix.tooShort;
      const mapped = icmp4to6(icmpHeader.type(o, h), icmpHeader.code(o, h));
      if (mapped < 0) return TransportFix.untranslatableIcmp;
      const oldWord = read16(o, h); // Type and Code, the checksum's first word
      o[h] = mapped >> 8;
      o[h + 1] = mapped & 0xff;
      // ICMPv6 adds the pseudo-header (RFC 4443 §2.3); ICMPv4 has none.
      const added = mapped + sumWords(o, a + 8, a + 40) + layer.upperLen + protocol.icmpv6;
      write16(o, h + 2, adjustChecksum(icmpHeader.checksum(o, h), oldWord, added));
      if (rec !== null) noteIcmpInformational46(rec, layer.inL4, h, layer.depth);
      return TransportFix.fixed;
    }
    default:
      return TransportFix.fixed; // RFC 7915 §4.5: other protocols pass unchanged
  }
}

/** The pseudo-header addresses of the IPv4 header at `ip`, as the checksum summed them. */
function oldAddressSum(b: Uint8Array, ip: number): number {
  return addressSum4(ipv4Header.source(b, ip)) + addressSum4(ipv4Header.destination(b, ip));
}

/** RFC 7915 §4.2: Echo and Echo Reply: the type and code by the table, the checksum by RFC 1624 with the pseudo-header. */
function noteIcmpInformational46(rec: XlatRecorder, l4: number, h: number, depth: 0 | 1): void {
  rec.field('mapped', l4, icmpField.type, depth, h, icmpv6Field.type, depth, 'ICMP Type {from} → ICMPv6 Type {to}', 'RFC 7915 §4.2');
  rec.field('mapped', l4, icmpField.code, depth, h, icmpv6Field.code, depth, 'Code {from} → {to}', 'RFC 7915 §4.2');
  rec.field('updated', l4, icmpField.checksum, depth, h, icmpv6Field.checksum, depth,
    '{from} → {to}: updated for the new type and the ICMPv6 pseudo-header (ICMPv4 has none), not re-summed', 'RFC 7915 §4.2, RFC 4443 §2.3, RFC 1624');
}
