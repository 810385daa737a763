// RFC 4884: an ICMP error's "original datagram" field followed by an extension structure. When
// the translator rebuilds an error, the quoted packet changes size, so the layout is redone: the
// quote is zero-padded to the unit of the outgoing family's length field (§5.1: 64-bit words for
// ICMPv6, 32-bit for ICMPv4) and to at least 128 bytes, and the priorities when it must be cut
// (Jool's, since RFC 7915 is silent): outer headers and 128 bytes of the quote first, then the
// whole extension, then as much more of the quote as fits. An extension that does not fit whole is
// dropped (an extension cut in the middle would be corrupt).

import { copyBytes } from './copy-bytes.js';
import type { Xlation } from './xlation.js';

/** The layout decided by layOutQuote; reused, never allocated per packet. */
export interface QuoteLayout {
  /** Bytes after the 8-byte ICMP header: the quote, its padding and the extension. */
  payloadBytes: number;
  /** The RFC 4884 length attribute (in units), or 0 when no extension follows. */
  lengthUnits: number;
}

export const quoteLayout: QuoteLayout = { payloadBytes: 0, lengthUnits: 0 };

/**
 * The translated quote is already in the output at `x.inner.outIp`, `quoteBytes` long; `budget` is
 * what the error may carry after its ICMP header. Places the extension
 * `x.b[x.extensionStart, + x.extensionBytes)` (0 bytes: none) when `withLength` (the outgoing type
 * has a length attribute) and it fits, and fills quoteLayout.
 */
export function layOutQuote(x: Xlation, quoteBytes: number, budget: number, withLength: boolean, unitBytes: 4 | 8): QuoteLayout {
  const layout = quoteLayout;
  const extensionBytes = x.extensionBytes;
  if (extensionBytes === 0 || !withLength || 128 + extensionBytes > budget) {
    layout.payloadBytes = Math.min(quoteBytes, budget);
    layout.lengthUnits = 0;
    return layout;
  }
  const mask = unitBytes - 1;
  const room = budget - extensionBytes;
  let kept = Math.min(quoteBytes, room);
  let padded = Math.max(128, (kept + mask) & ~mask);
  if (padded > room) {
    kept = room & ~mask;
    padded = kept;
  }
  const o = x.out.buffer;
  const q = x.inner.outIp;
  o.fill(0, q + kept, q + padded);
  copyBytes(x.b, x.extensionStart, o, q + padded, extensionBytes);
  layout.payloadBytes = padded + extensionBytes;
  layout.lengthUnits = padded / unitBytes;
  return layout;
}
