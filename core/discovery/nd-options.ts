// Neighbor Discovery options (RFC 4861 §4.6): a run of type-length-value records whose Length counts
// units of 8 octets, Type and Length included. Router Advertisements end in such a run, and the kernel
// hands the options it does not handle itself to netlink listeners as the same run.
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- ...
//   |     Type      |    Length     | value (Length × 8 − 2 bytes)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- ...

import { parsePref64Option, pref64OptionType, type Pref64Option } from './pref64-option.js';

export interface NdOption {
  readonly type: number;
  /** Offset of the option's Type byte in the buffer that was parsed. */
  readonly offset: number;
  /** The whole option, Type and Length included. */
  readonly lengthBytes: number;
}

export type NdOptionsParse =
  | { ok: true; options: NdOption[] }
  | { ok: false; reason: 'zero-length-option' | 'option-past-end' };

/** The options in `bytes[start, end)`. Never throws. */
export function parseNdOptions(bytes: Uint8Array, start: number, end: number): NdOptionsParse {
  const options: NdOption[] = [];
  const limit = Math.min(end, bytes.length);
  let offset = start;
  while (offset < limit) {
    if (offset + 2 > limit) return { ok: false, reason: 'option-past-end' };
    const lengthBytes = bytes[offset + 1] * 8;
    // RFC 4861 §4.6: "Nodes MUST silently discard an ND packet that contains an option with length zero."
    if (lengthBytes === 0) return { ok: false, reason: 'zero-length-option' };
    if (offset + lengthBytes > limit) return { ok: false, reason: 'option-past-end' };
    options.push({ type: bytes[offset], offset, lengthBytes });
    offset += lengthBytes;
  }
  return { ok: true, options };
}

/** The PREF64 options among `options` that RFC 8781 §4 lets a receiver use; the rest are ignored. */
export function pref64Options(bytes: Uint8Array, options: readonly NdOption[]): Pref64Option[] {
  const found: Pref64Option[] = [];
  for (const option of options) {
    if (option.type !== pref64OptionType) continue;
    const parsed = parsePref64Option(bytes, option.offset);
    if (parsed.ok) found.push(parsed.option);
  }
  return found;
}
