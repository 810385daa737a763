// An IPv6 address as text in parts, so the screen can colour some of its bytes apart: the IPv4
// address an RFC 6052 address embeds, most of all. The text is RFC 5952's (what core/wire's
// formatIpv6 prints, which the tests check); each hex digit belongs to one byte, and a part is a
// run of characters whose bytes are all marked or all not.

import { embedIpv4 } from '../../core/xlat/rfc6052.js';
import { formatIpv4, ipv6ZeroRun } from '../../core/wire/address.js';

export interface AddressPart {
  readonly text: string;
  /** Every byte behind these characters is one of the marked ones. */
  readonly marked: boolean;
}

/** `bytes` (16) as RFC 5952 text, in parts by whether their bytes are in `marked` (indices 0–15). */
export function ipv6Parts(bytes: Uint8Array, marked: ReadonlySet<number>): AddressPart[] {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  const run = ipv6ZeroRun(words);
  // Characters with their mark, then merged into runs.
  const chars: { char: string; marked: boolean }[] = [];
  const separator = (char: string) => chars.push({ char, marked: false });
  for (let word = 0; word < 8; word++) {
    if (word === run.start) {
      separator('::');
      word += run.length - 1;
      continue;
    }
    if (word > 0 && word !== run.start + run.length) separator(':');
    const digits = words[word].toString(16);
    // The digits are the group's last nibbles: nibbles 0–1 are its first byte, 2–3 its second.
    for (let k = 0; k < digits.length; k++) {
      const nibble = 4 - digits.length + k;
      chars.push({ char: digits[k], marked: marked.has(2 * word + (nibble < 2 ? 0 : 1)) });
    }
  }
  // A colon between two marked digits is marked too, so the embedded address reads as one run.
  for (let i = 1; i < chars.length - 1; i++) {
    if (chars[i].char.startsWith(':') && chars[i - 1].marked && chars[i + 1].marked) chars[i].marked = true;
  }
  const parts: AddressPart[] = [];
  for (const { char, marked: isMarked } of chars) {
    const last = parts[parts.length - 1];
    if (last !== undefined && last.marked === isMarked) parts[parts.length - 1] = { text: last.text + char, marked: isMarked };
    else parts.push({ text: char, marked: isMarked });
  }
  return parts;
}

const embeddedIndicesByLength = new Map<number, readonly number[]>();

/**
 * Which bytes of an address under a NAT64 prefix of `prefixLength` hold the IPv4 address (RFC 6052
 * §2.2), found by embedding 255.255.255.255 with the translator's own function, so the two agree.
 */
export function embeddedIpv4Indices(prefixLength: number): readonly number[] {
  let indices = embeddedIndicesByLength.get(prefixLength);
  if (indices === undefined) {
    const out = new Uint8Array(16);
    embedIpv4({ address: new Uint8Array(16), length: prefixLength }, 0xffffffff, out, 0);
    indices = [...out.keys()].filter((i) => out[i] === 0xff);
    embeddedIndicesByLength.set(prefixLength, indices);
  }
  return indices;
}

/** The dotted IPv4 address held in `indices` (in order) of `bytes`. */
export function embeddedIpv4Text(bytes: Uint8Array, indices: readonly number[]): string {
  if (indices.length !== 4) return '';
  return formatIpv4(((bytes[indices[0]] << 24) | (bytes[indices[1]] << 16) | (bytes[indices[2]] << 8) | bytes[indices[3]]) >>> 0);
}
