// The SIIT translator (RFC 7915) as one object: a configuration, and two entry points that take a
// packet and a reusable output. The CLAT of RFC 6877 is one configuration of it: pool6 is the
// network's NAT64 prefix and one EAMT entry maps the host's 192.0.0.1 to the CLAT's IPv6 address.
//
// Contract: the translator never throws on packet input and never keeps a reference to it. It
// writes into `out.buffer` (owned by the caller) and returns a verdict number (verdict.ts);
// `out.count` packets were written, each tagged with the side it leaves by. A verdict other than
// `translated` can still come with one output: the ICMP error sent back to the packet's source.

import type { SiitConfig } from './config.js';
import { XlatContext } from './context.js';
import type { XlatOutput } from './output.js';
import { translate46 } from './translate-46.js';
import { translate64 } from './translate-64.js';
import { Verdict } from './verdict.js';

export class Translator {
  private readonly context: XlatContext;

  constructor(readonly config: SiitConfig) {
    this.context = new XlatContext(config);
  }

  /** An IPv4 packet that arrived on the IPv4 side. */
  translate46(packet: Uint8Array, out: XlatOutput): number {
    return translate46(this.context, packet, 0, packet.length, out, false);
  }

  /** An IPv6 packet that arrived on the IPv6 side. */
  translate64(packet: Uint8Array, out: XlatOutput): number {
    return translate64(this.context, packet, 0, packet.length, out);
  }

  /** Either family, by the version nibble. */
  translate(packet: Uint8Array, out: XlatOutput): number {
    return this.translateAt(packet, 0, packet.length, out);
  }

  /**
   * The packet is `bytes[start, start + length)`: the allocation-free form for the engine, whose
   * packets live in one arena with the output (see copy-bytes.ts).
   */
  translateAt(bytes: Uint8Array, start: number, length: number, out: XlatOutput): number {
    const version = length > 0 ? bytes[start] >> 4 : 0;
    if (version === 4) return translate46(this.context, bytes, start, length, out, false);
    if (version === 6) return translate64(this.context, bytes, start, length, out);
    out.count = 0;
    return Verdict.badVersion;
  }
}
