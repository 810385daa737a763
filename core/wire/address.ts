// Textual IPv4 and IPv6 addresses and prefixes, to and from bytes. Not on the hot path: config,
// reports and the UI use these. IPv4 addresses are unsigned 32-bit numbers; IPv6 addresses are
// 16-byte arrays.

export interface Ipv4Prefix {
  readonly address: number;
  readonly length: number;
}

export interface Ipv6Prefix {
  readonly address: Uint8Array;
  readonly length: number;
}

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Dotted quad to a uint32, or undefined if it is not one (no leading zeros: they read as octal elsewhere). */
export function parseIpv4(text: string): number | undefined {
  const match = ipv4Pattern.exec(text);
  if (match === null) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i];
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** RFC 4291 §2.2 text (with `::` and an optional embedded dotted quad) to 16 bytes. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const words: number[] = [];
  const parseGroups = (groups: string[], isLast: boolean): number[] | undefined => {
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i];
      if (isLast && i === groups.length - 1 && group.includes('.')) {
        const v4 = parseIpv4(group);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
        out.push(parseInt(group, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const headWords = parseGroups(head, halves.length === 1);
  const tailWords = parseGroups(tail, true);
  if (headWords === undefined || tailWords === undefined) return undefined;
  if (halves.length === 1) {
    if (headWords.length !== 8) return undefined;
    words.push(...headWords);
  } else {
    const zeros = 8 - headWords.length - tailWords.length;
    if (zeros < 1) return undefined;
    words.push(...headWords, ...new Array<number>(zeros).fill(0), ...tailWords);
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i] >>> 8;
    bytes[2 * i + 1] = words[i] & 0xff;
  }
  return bytes;
}

/**
 * The run of zero groups RFC 5952 §4.2 writes as `::`: the longest of at least two, the first of
 * equals; `start` -1 when there is none. (The UI marks parts of the same text: renderer/ui/ipv6-parts.ts.)
 */
export function ipv6ZeroRun(words: readonly number[]): { readonly start: number; readonly length: number } {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  return { start: bestStart, length: bestLength };
}

/** RFC 5952 canonical text: lower case, longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  const run = ipv6ZeroRun(words);
  const hex = (list: number[]) => list.map((w) => w.toString(16)).join(':');
  if (run.start < 0) return hex(words);
  return `${hex(words.slice(0, run.start))}::${hex(words.slice(run.start + run.length))}`;
}

function splitPrefix(text: string, maxLength: number): [string, number] | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return [text, maxLength];
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > maxLength) return undefined;
  return [text.slice(0, slash), length];
}

/** `a.b.c.d/n` (or a bare address, /32). Host bits must be zero. */
export function parseIpv4Prefix(text: string): Ipv4Prefix | undefined {
  const parts = splitPrefix(text, 32);
  if (parts === undefined) return undefined;
  const address = parseIpv4(parts[0]);
  if (address === undefined) return undefined;
  const length = parts[1];
  const hostMask = length === 32 ? 0 : 0xffffffff >>> length;
  if ((address & hostMask) !== 0) return undefined;
  return { address, length };
}

/** `x::/n` (or a bare address, /128). Host bits must be zero. */
export function parseIpv6Prefix(text: string): Ipv6Prefix | undefined {
  const parts = splitPrefix(text, 128);
  if (parts === undefined) return undefined;
  const address = parseIpv6(parts[0]);
  if (address === undefined) return undefined;
  const length = parts[1];
  for (let bit = length; bit < 128; bit++) {
    if (address[bit >> 3] & (0x80 >> (bit & 7))) return undefined;
  }
  return { address, length };
}

export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.address)}/${prefix.length}`;
}

export function formatIpv6Prefix(prefix: Ipv6Prefix): string {
  return `${formatIpv6(prefix.address)}/${prefix.length}`;
}
