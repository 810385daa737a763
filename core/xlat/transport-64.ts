// RFC 7915 §5.5 and §5.3: IPv6 → IPv4, the upper-layer header after its IP header changed. One
// fix-up for the outer packet and for the packet quoted in an ICMPv6 error: the TCP and UDP
// checksums follow the new pseudo-header addresses by RFC 1624 (never re-summed; for a quote the
// checksum covers the whole original packet, so the update is exact even when the quote is cut),
// and an ICMPv6 Echo gets its ICMP type and loses the pseudo-header ICMP does not have (RFC 792).
// What is not fixed is reported (transport-fix.ts): the outer packet refuses it, a quote keeps it.

import { adjustChecksum, sumWords } from '../wire/checksum.js';
import { read16, write16 } from '../wire/bytes.js';
import { protocol } from '../wire/protocol.js';
import { icmpField, icmpv6Field, tcpField, udpField } from './explain-fields.js';
import { icmp6to4 } from './icmp-map.js';
import type { XlatRecorder } from './recorder.js';
import { addressSum4, noteChecksumUpdate, TransportFix, udpChecksumToSend } from './transport-fix.js';
import type { PacketLayer, Xlation } from './xlation.js';

/** The upper-layer header of `layer`, copied to `layer.outL4`; its IPv4 addresses are `src4` and `dst4`. */
export function fixTransport64(x: Xlation, layer: PacketLayer): number {
  const b = x.b;
  const o = x.out.buffer;
  const h = layer.outL4;
  const rec = x.rec;
  switch (layer.proto) {
    case protocol.tcp: {
      if (layer.copied < 18) return TransportFix.tooShort;
      write16(o, h + 16, adjustChecksum(read16(o, h + 16), oldAddressSum(b, layer.inIp), newAddressSum(layer)));
      if (rec !== null) noteChecksumUpdate(rec, layer, tcpField.checksum, 'RFC 7915 §5.5, RFC 1624', 'RFC 7915 §5.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.udp: {
      if (layer.copied < 8) return TransportFix.tooShort;
      const checksum = read16(o, h + 6);
      if (checksum === 0) return TransportFix.zeroUdpChecksum;
      write16(o, h + 6, udpChecksumToSend(adjustChecksum(checksum, oldAddressSum(b, layer.inIp), newAddressSum(layer))));
      if (rec !== null) noteChecksumUpdate(rec, layer, udpField.checksum, 'RFC 7915 §5.5, RFC 1624', 'RFC 7915 §5.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.icmpv6: {
      if (layer.copied < 4) return TransportFix.tooShort;
      const mapped = icmp6to4(o[h], o[h + 1]);
      if (mapped < 0) return TransportFix.untranslatableIcmp;
      const oldWord = (o[h] << 8) | o[h + 1];
      o[h] = mapped >> 8;
      o[h + 1] = mapped & 0xff;
      // ICMPv4 has no pseudo-header (RFC 792): take it out with the old type.
      const removed = oldWord + oldAddressSum(b, layer.inIp) + layer.upperLen + protocol.icmpv6;
      write16(o, h + 2, adjustChecksum(read16(o, h + 2), removed, mapped));
      if (rec !== null) noteIcmpInformational64(rec, layer.inL4, h, layer.depth);
      return TransportFix.fixed;
    }
    default:
      return TransportFix.fixed; // RFC 7915 §5.5: other protocols pass unchanged
  }
}

/** The pseudo-header addresses of the IPv6 header at `ip`. */
function oldAddressSum(b: Uint8Array, ip: number): number {
  return sumWords(b, ip + 8, ip + 40);
}

function newAddressSum(layer: PacketLayer): number {
  return addressSum4(layer.src4) + addressSum4(layer.dst4);
}

/** RFC 7915 §5.2: Echo Request and Reply: the type by the table, the checksum less the pseudo-header. */
function noteIcmpInformational64(rec: XlatRecorder, l4: number, h: number, depth: 0 | 1): void {
  rec.field('mapped', l4, icmpv6Field.type, depth, h, icmpField.type, depth, 'ICMPv6 Type {from} → ICMP Type {to}', 'RFC 7915 §5.2');
  rec.field('mapped', l4, icmpv6Field.code, depth, h, icmpField.code, depth, 'Code {from} → {to}', 'RFC 7915 §5.2');
  rec.field('updated', l4, icmpv6Field.checksum, depth, h, icmpField.checksum, depth,
    '{from} → {to}: updated for the new type and without the ICMPv6 pseudo-header (ICMP has none), not re-summed', 'RFC 7915 §5.2, RFC 1624');
}
