// One translation's state, as Jool's `struct xlation`: the input packet, where the output goes,
// and the two IP packets a translation works on: the outer packet and, in an ICMP error, the
// packet it quotes (RFC 7915 §4.3, §5.3). The steps of translate-46.ts and translate-64.ts take
// this object instead of long lists of offsets, and the transport fix-up of each direction
// (transport-46.ts, transport-64.ts) serves both packets through their PacketLayer.
//
// XlatContext holds one per direction, and each translation starts by setting the fields it uses:
// nothing is allocated per packet, and every field keeps one type (numbers, booleans, the buffers)
// so that V8 keeps one shape for it and its accesses stay fast. The translators set the fields
// themselves rather than through a method, and only where a step reads them: V8 spends a fixed
// budget on inlining the per-packet helpers into translate46/64, and a method call there took it
// from them (`npm run bench:xlat` measured 5-10 % on the 46 rows). The objects (input, output,
// recorder) are stored only when they change, which saves V8's write barrier per packet.

import type { XlatContext } from './context.js';
import type { XlatOutput } from './output.js';
import type { XlatRecorder } from './recorder.js';

/**
 * One IP packet of a translation: where it lies in the input and in the output, and the header
 * values its translation writes. Offsets are absolute (in the input bytes and in `out.buffer`).
 */
export class PacketLayer {
  /** Offset of its IP header in the input, and of its upper-layer header. */
  inIp = 0;
  inL4 = 0;
  /** Offset of its translated IP header in the output, and of its upper-layer header there. */
  outIp = 0;
  outL4 = 0;
  /** The upper-layer protocol, as the input names it (the last Next Header, or the IPv4 Protocol). */
  proto = 0;
  /** Upper-layer bytes copied to the output (a quote may be cut short). */
  copied = 0;
  /** Upper-layer length as the input's IP header declares it (the pseudo-header's length). */
  upperLen = 0;
  /** The translated header's Traffic Class / Type of Service and Hop Limit / TTL. */
  trafficClass = 0;
  hopLimit = 0;
  /** IPv6 → IPv4: the translated source and destination addresses. */
  src4 = 0;
  dst4 = 0;
  /** IPv4 → IPv6: the fragment fields the Fragment header repeats (RFC 7915 §4.1). */
  fragmentOffsetBytes = 0;
  moreFragments = false;
  identification = 0;

  /** 0: the outer packet; 1: the packet quoted in an ICMP error (the recorder's depth). */
  constructor(readonly depth: 0 | 1) {}
}

export class Xlation {
  /** The recording mode (recorder.ts); null on the packet path. */
  rec: XlatRecorder | null = null;
  /** The input bytes; the outer packet starts at `outer.inIp`. */
  b: Uint8Array;
  /** Where the translation writes; owned by the caller. */
  out: XlatOutput;
  /** Bytes of the outer packet: IPv4 Total Length, or 40 + IPv6 Payload Length. */
  packetBytes = 0;
  /** IPv4 → IPv6: the packet is the second pass of a hairpinned translation (RFC 7757 §4). */
  hairpin = false;
  /** RFC 4884: the extension of an ICMP error, `b[extensionStart, + extensionBytes)`. */
  extensionStart = 0;
  extensionBytes = 0;
  readonly outer = new PacketLayer(0);
  readonly inner = new PacketLayer(1);

  /** `placeholder`: an output to hold until the first translation sets its own. */
  constructor(readonly ctx: XlatContext, placeholder: XlatOutput) {
    this.b = placeholder.buffer;
    this.out = placeholder;
  }
}
