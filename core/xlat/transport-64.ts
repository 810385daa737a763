// RFC 7915 §5.5 and §5.3: IPv6 → IPv4, the upper-layer header after its IP header changed. One
// fix-up for the outer packet and for the packet quoted in an ICMPv6 error: the TCP and UDP
// checksums follow the new pseudo-header addresses by RFC 1624 (never re-summed; for a quote the
// checksum covers the whole original packet, so the update is exact even when the quote is cut),
// and an ICMPv6 Echo gets its ICMP type and loses the pseudo-header ICMP does not have (RFC 792).
// What is not fixed is reported (transport-fix.ts): the outer packet refuses it, a quote keeps it.

import { adjustChecksum } from '../wire/checksum.js';
import { read16, write16 } from '../wire/bytes.js';
import * as icmpHeaderExports from '../wire/icmp-header.js';
import * as transportHeaderExports from '../wire/transport-header.js';
import { protocol } from '../wire/protocol.js';
import { icmpField, icmpv6Field, tcpField, udpField } from './explain-fields.js';
import { icmp6to4 } from './icmp-map.js';
import type { XlatRecorder } from './recorder.js';
import { addressSum4, addressSum6, noteChecksumUpdate, TransportFix, udpChecksumToSend } from './transport-fix.js';
import type { PacketLayer, Xlation } from './xlation.js';

// The header views as module constants, so TurboFan inlines their accessors outright (ipv4-header.ts says why).
const icmpHeader = { ...icmpHeaderExports };
const transportHeader = { ...transportHeaderExports };

/** The upper-layer header of `layer`, copied to `layer.outL4`; its IPv4 addresses are `src4` and `dst4`. */
export function fixTransport64(x: Xlation, layer: PacketLayer): number {
  const b = x.b;
  const o = x.out.buffer;
  const h = layer.outL4;
  const rec = x.rec;
  switch (layer.proto) {
    case protocol.tcp: {
      if (layer.copied < 18) return TransportFix.tooShort;
      write16(o, h + 16, adjustChecksum(transportHeader.tcpChecksum(o, h), addressSum6(b, layer.inIp), newAddressSum(layer)));
      if (rec !== null) noteChecksumUpdate(rec, layer, tcpField.checksum, 'RFC 7915 §5.5, RFC 1624', 'RFC 7915 §5.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.udp: {
      if (layer.copied < 8) return TransportFix.tooShort;
      const checksum = transportHeader.udpChecksum(o, h);
      if (checksum === 0) return TransportFix.zeroUdpChecksum;
      write16(o, h + 6, udpChecksumToSend(adjustChecksum(checksum, addressSum6(b, layer.inIp), newAddressSum(layer))));
      if (rec !== null) noteChecksumUpdate(rec, layer, udpField.checksum, 'RFC 7915 §5.5, RFC 1624', 'RFC 7915 §5.3, RFC 1624');
      return TransportFix.fixed;
    }
    case protocol.icmpv6: {
      if (layer.copied < 4) return TransportFix.tooShort;
      const mapped = icmp6to4(icmpHeader.type(o, h), icmpHeader.code(o, h));
      if (mapped < 0) return TransportFix.untranslatableIcmp;
      const oldWord = read16(o, h); // Type and Code, the checksum's first word
      o[h] = mapped >> 8;
      o[h + 1] = mapped & 0xff;
      // ICMPv4 has no pseudo-header (RFC 792): take it out with the old type.
      const removed = oldWord + addressSum6(b, layer.inIp) + layer.upperLen + protocol.icmpv6;
      write16(o, h + 2, adjustChecksum(icmpHeader.checksum(o, h), removed, mapped));
      if (rec !== null) noteIcmpInformational64(rec, layer.inL4, h, layer.depth);
      return TransportFix.fixed;
    }
    default:
      return TransportFix.fixed; // RFC 7915 §5.5: other protocols pass unchanged
  }
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
