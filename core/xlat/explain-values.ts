// A field's value as people read it (core/api/explanation.ts `FieldPlace.value`): addresses in
// their usual notation, flags by name, checksums and classes in hex, counts in decimal, long spans
// by their size. Every form names the bits exactly (the evidence tests rebuild packets from them),
// except `N bytes`, which stands for bytes the step says were copied.

import { formatIpv4, formatIpv6 } from '../wire/address.js';

/** The `bitLength` bits at `bitOffset` as a number (at most 32 bits). */
export function readBits(bytes: Uint8Array, bitOffset: number, bitLength: number): number {
  let value = 0;
  for (let i = 0; i < bitLength; i++) {
    const bit = bitOffset + i;
    value = value * 2 + ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
  }
  return value;
}

const ipv4FlagNames = ['RF', 'DF', 'MF'] as const;
const tcpControlNames = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'] as const;

/** Names of the set bits, most significant first, joined by `+`; `0` when none is set. */
function bitNames(value: number, names: readonly string[]): string {
  const set = names.filter((_, i) => (value >> (names.length - 1 - i)) & 1);
  return set.length === 0 ? '0' : set.join('+');
}

/** Spans of bytes rather than numbers: shown as bytes whatever their length. */
const spanNames = new Set(['Data', 'Options', 'Padding', 'Extension Structure', 'Trailing bytes', 'Type-specific Data', 'Packet']);

const hexNames = new Set(['Checksum', 'Header Checksum', 'Traffic Class', 'Type of Service', 'Flow Label']);

function hex(value: number, bitLength: number): string {
  return `0x${value.toString(16).padStart(Math.ceil(bitLength / 4), '0')}`;
}

export function formatField(bytes: Uint8Array, header: string, name: string, bitOffset: number, bitLength: number): string {
  if (bitLength === 128 && bitOffset % 8 === 0 && name.endsWith('Address')) return formatIpv6(bytes, bitOffset / 8);
  if (bitLength === 32 && name.endsWith('Address')) return formatIpv4(readBits(bytes, bitOffset, 32));
  if (bitLength <= 32 && !(spanNames.has(name) && bitOffset % 8 === 0 && bitLength % 8 === 0)) {
    const value = readBits(bytes, bitOffset, bitLength);
    if (header === 'ipv4' && name === 'Flags' && bitLength === 3) return bitNames(value, ipv4FlagNames);
    if (header === 'tcp' && name === 'Control Bits' && bitLength === 8) return bitNames(value, tcpControlNames);
    if (hexNames.has(name) || (header === 'fragment' && name === 'Identification')) return hex(value, bitLength);
    return String(value);
  }
  const start = bitOffset >> 3;
  const count = bitLength >> 3;
  let allZero = true;
  for (let i = 0; i < count; i++) if (bytes[start + i] !== 0) allZero = false;
  if (count <= 16) {
    let text = '0x';
    for (let i = 0; i < count; i++) text += bytes[start + i].toString(16).padStart(2, '0');
    return text;
  }
  return allZero ? `${count} zero bytes` : `${count} bytes`;
}
