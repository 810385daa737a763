// RFC 4884: an ICMP error's "original datagram" field followed by an extension structure. When
// the translator rebuilds an error, the quoted packet changes size, so the layout is redone: the
// quote is zero-padded to the unit of the outgoing family's length field (§5.1: 64-bit words for
// ICMPv6, 32-bit for ICMPv4) and to at least 128 bytes, and the priorities when it must be cut
// (Jool's, since RFC 7915 is silent): outer headers and 128 bytes of the quote first, then the
// whole extension, then as much more of the quote as fits. An extension that does not fit whole is
// dropped (an extension cut in the middle would be corrupt).

import { copyBytes } from './copy-bytes.js';

/** The layout decided by layOutQuote; reused, never allocated per packet. */
export interface QuoteLayout {
  /** Bytes after the 8-byte ICMP header: the quote, its padding and the extension. */
  payloadBytes: number;
  /** The RFC 4884 length attribute (in units), or 0 when no extension follows. */
  lengthUnits: number;
}

export const quoteLayout: QuoteLayout = { payloadBytes: 0, lengthUnits: 0 };

/**
 * The translated quote is already at `o[q, q + quoteBytes)`; `budget` is what the error may carry
 * after its ICMP header. Places the extension `b[extensionStart, + extensionBytes)` (0 bytes: none)
 * when `withLength` (the outgoing type has a length attribute) and it fits, and fills quoteLayout.
 */
export function layOutQuote(
  o: Uint8Array, q: number, quoteBytes: number, budget: number, withLength: boolean,
  b: Uint8Array, extensionStart: number, extensionBytes: number, unitBytes: 4 | 8,
): QuoteLayout {
  const layout = quoteLayout;
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
  o.fill(0, q + kept, q + padded);
  copyBytes(b, extensionStart, o, q + padded, extensionBytes);
  layout.payloadBytes = padded + extensionBytes;
  layout.lengthUnits = padded / unitBytes;
  return layout;
}
