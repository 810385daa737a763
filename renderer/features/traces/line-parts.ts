// A trace row's line in parts, so the IPv6 addresses in it read at a glance: an address under the
// NAT64 prefix shows its prefix and its embedded IPv4 address in two colours (RFC 6052 §2.2), and
// the CLAT's own address (the same on every outgoing row, and long: a SLAAC /64 plus interface
// identifier) may be shortened in the middle. The embedded IPv4 is never cut: the addresses are
// kept whole, only the CLAT's own address gives up characters, and the packet an ICMP error quotes
// is shown whole or not at all (splitQuote).

import { formatIpv6, parseIpv6, parseIpv6Prefix, type Ipv6Prefix } from '../../../core/wire/address.js';
import { embeddedIpv4Indices, embeddedIpv4Text, ipv6Parts } from '../../ui/ipv6-parts.js';

export type LinePart =
  | { readonly kind: 'text'; readonly text: string }
  /** The CLAT's own IPv6 address: `text` as shown (maybe shortened), `full` for a tooltip. */
  | { readonly kind: 'clat'; readonly text: string; readonly full: string }
  /** An address under the NAT64 prefix: the prefix's characters, the embedded IPv4's, and that IPv4 dotted. */
  | { readonly kind: 'nat64'; readonly parts: readonly { readonly text: string; readonly embedded: boolean }[]; readonly ipv4: string };

export interface LineContext {
  /** The CLAT's IPv6 address (status.clatIpv6), or null when not running. */
  readonly clatIpv6: string | null;
  /** The NAT64 prefix in force (`2001:db8:64::/96`), or null. */
  readonly nat64Prefix: string | null;
  /** Shorten the CLAT's address in the middle (presentation mode's long lines). */
  readonly shortenClat: boolean;
}

/**
 * `2001:db8:1:2:c1:a7ff:fe00:2` → `2001:db8…2`: the first two groups and the last, which tell the
 * network and the host apart, with an ellipsis for the rest. Short addresses stay whole.
 */
export function shortenMiddle(address: string): string {
  const groups = address.split(':');
  if (address.length <= 20 || groups.length < 5) return address;
  const head = groups.slice(0, 2).join(':');
  const tail = groups[groups.length - 1];
  return `${head}…${tail}`;
}

/** Whether `bytes` lies under `prefix`. */
function under(bytes: Uint8Array, prefix: Ipv6Prefix): boolean {
  for (let bit = 0; bit < prefix.length; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((bytes[bit >> 3] & mask) !== (prefix.address[bit >> 3] & mask)) return false;
  }
  return true;
}

// Candidates: a run of hex digits and colons with at least one colon, ending on a hex digit (so
// tcpdump's `addr.port` and `addr: ICMP6` leave the port and the colon out). Parsed to be sure.
const candidate = /[0-9a-f]*:[0-9a-f:]*[0-9a-f]|[0-9a-f]+::/gi;

/**
 * An ICMP error's line ends in the packet it quotes, in brackets (core/wire/describe-packet.ts):
 * `… time exceeded in-transit, length 96 [a > b: …]`. Split there, so the screen can show the quote
 * whole or not at all rather than cut an address in it.
 */
export function splitQuote(line: string): { readonly main: string; readonly quote: string | null } {
  const at = line.indexOf(' [');
  if (at < 0 || !line.endsWith(']')) return { main: line, quote: null };
  return { main: line.slice(0, at), quote: line.slice(at) };
}

export function lineParts(line: string, context: LineContext): LinePart[] {
  const prefix = context.nat64Prefix === null ? undefined : parseIpv6Prefix(context.nat64Prefix);
  const clat = context.clatIpv6 === null ? undefined : parseIpv6(context.clatIpv6);
  const clatText = clat === undefined ? null : formatIpv6(clat);
  const parts: LinePart[] = [];
  let at = 0;
  const text = (end: number) => {
    if (end > at) parts.push({ kind: 'text', text: line.slice(at, end) });
  };
  for (const match of line.matchAll(candidate)) {
    const bytes = match[0].includes(':') ? parseIpv6(match[0]) : undefined;
    if (bytes === undefined) continue;
    const start = match.index;
    if (clatText !== null && formatIpv6(bytes) === clatText) {
      text(start);
      parts.push({ kind: 'clat', text: context.shortenClat ? shortenMiddle(match[0]) : match[0], full: match[0] });
      at = start + match[0].length;
    } else if (prefix !== undefined && under(bytes, prefix)) {
      const indices = embeddedIpv4Indices(prefix.length);
      const marked = ipv6Parts(bytes, new Set(indices)).map((part) => ({ text: part.text, embedded: part.marked }));
      text(start);
      parts.push({ kind: 'nat64', parts: marked, ipv4: embeddedIpv4Text(bytes, indices) });
      at = start + match[0].length;
    }
  }
  text(line.length);
  return parts;
}
