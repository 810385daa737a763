// What every packet the translator emits must look like, whatever it was given: a version that
// matches the side it leaves by, lengths that agree with the bytes, a valid IPv4 header checksum.

import { checksumIsValid, sumWords } from '../../core/wire/checksum.js';
import { read16 } from '../../core/wire/bytes.js';
import type { XlatOutput } from '../../core/xlat/output.js';
import { verdictCount } from '../../core/xlat/verdict.js';

/** Returns undefined when the translation result is well-formed, else what is wrong. */
export function checkTranslation(verdict: number, out: XlatOutput): string | undefined {
  if (!Number.isInteger(verdict) || verdict < 0 || verdict >= verdictCount) return `verdict ${verdict} is not in the table`;
  if (verdict !== 0 && out.count > 1) return `a dropped packet produced ${out.count} packets`;
  for (let i = 0; i < out.count; i++) {
    const p = out.packet(i);
    const family = out.family[i];
    if (family === 4) {
      if (p.length < 20 || p[0] >> 4 !== 4) return `output ${i}: not IPv4`;
      const ihl = (p[0] & 0xf) * 4;
      if (ihl < 20 || ihl > p.length) return `output ${i}: bad IHL`;
      if (read16(p, 2) !== p.length) return `output ${i}: total length ${read16(p, 2)} but ${p.length} bytes`;
      if (!checksumIsValid(sumWords(p, 0, ihl))) return `output ${i}: bad IPv4 header checksum`;
      if (p.length > 65535) return `output ${i}: too long`;
    } else if (family === 6) {
      if (p.length < 40 || p[0] >> 4 !== 6) return `output ${i}: not IPv6`;
      if (read16(p, 4) + 40 !== p.length) return `output ${i}: payload length ${read16(p, 4)} but ${p.length} bytes`;
    } else {
      return `output ${i}: family ${family}`;
    }
    if (out.generated[i] === 1 && p.length > (family === 4 ? 576 : 1280)) return `output ${i}: ICMP error too long`;
  }
  return undefined;
}
