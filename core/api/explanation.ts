// A translation explained: what the translator did to each header field of one recorded pair, and
// by which rule. The engine builds it by running the translator again, off the packet path, on the
// recorded input with the configuration that was in force (core/xlat's recording mode); the UI, the
// CLI (`clatter trace --explain`, `clatter explain PAIR`, `clatter translate --explain`) and the
// tests read this one shape. Plain JSON: it crosses the control socket and the UI's transports.

/** Where a header field sits: which packet, which header, which bits. */
export interface FieldPlace {
  /** The recorded input or the translator's output (`output` is `outputs[outputIndex]`). */
  readonly packet: 'input' | 'output';
  /** Which output, when the translation wrote several (fragments); 0 otherwise. */
  readonly outputIndex: number;
  /** 0: the packet's own headers; 1: the packet quoted inside an ICMP error (RFC 7915 §4.3, §5.3). */
  readonly depth: 0 | 1;
  /** The header the field belongs to. */
  readonly header: 'ipv4' | 'ipv4-options' | 'ipv6' | 'fragment' | 'extension' | 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  /** The field's name as its RFC spells it: `Time to Live`, `Hop Limit`, `Next Header`, `Checksum`. */
  readonly name: string;
  /** First bit of the field, counted from the packet's first bit (bit 0 is the top bit of byte 0). */
  readonly bitOffset: number;
  /** Width in bits (4 for Version, 13 for Fragment Offset, 128 for an IPv6 address). */
  readonly bitLength: number;
  /** The value as people read it: `64`, `0x4000`, `203.0.113.10`, `2001:db8:64::cb00:710a`, `DF`. */
  readonly value: string;
  /**
   * An IPv6 address that embeds an IPv4 one (RFC 6052 §2.2): the indices (0–15) of the address's
   * bytes that hold the IPv4 bits, in order (for a /96: 12, 13, 14, 15; for a /64: 9, 10, 11, 12).
   */
  readonly embeddedIpv4Bytes?: readonly number[];
}

/** What happened to a field on the way through. */
export type StepAction =
  | 'copied' // the same value, perhaps in another field (Traffic Class ← Type of Service)
  | 'mapped' // a value turned into another by a table or rule (Protocol 1 → Next Header 58, type 8 → 128, addresses)
  | 'decremented' // TTL → Hop Limit, less one
  | 'updated' // a checksum adjusted incrementally (RFC 1624)
  | 'computed' // a value computed anew (a length, a checksum over the whole message)
  | 'synthesised' // an output field with no input counterpart (Flow Label 0, a Fragment header's fields)
  | 'dropped' // an input field with no output counterpart (IPv4 Header Checksum, IHL, options)
  | 'checked'; // read to decide, not carried over (a verdict's reason, a validity check)

/** One thing the translator did: an input field, an output field, or both, and the rule. */
export interface TranslationStep {
  readonly action: StepAction;
  /** The input field, or null for a synthesised one. */
  readonly from: FieldPlace | null;
  /** The output field, or null for a dropped or checked one. */
  readonly to: FieldPlace | null;
  /** The rule in words: `TTL 64 → Hop Limit 63: the translator is a router and decrements`. */
  readonly rule: string;
  /** Where the rule comes from: `RFC 7915 §4.1`, `RFC 6052 §2.2`, `RFC 7757 §3.2`, `RFC 1624`. */
  readonly cite: string;
}

/** A packet of the pair, whole as recorded. */
export interface ExplainedPacket {
  readonly family: 4 | 6;
  /** Its length on the wire. */
  readonly length: number;
  /** The bytes recorded (maybe fewer than `length`: the trace ring's snap length), base64. */
  readonly bytes: string;
}

export interface Explanation {
  /** The trace pair explained (core/observe/trace-pair.ts), or the packet's index in an offline capture. */
  readonly pairId: number;
  readonly direction: 46 | 64;
  /** The verdict of the re-run (core/xlat/verdict.ts); equal to the recorded verdict, or `mismatch` below says why not. */
  readonly verdict: string;
  /** Why the packet was not translated, when it was not: the rule and the field that decided it. */
  readonly refusal: TranslationStep | null;
  /** The output is an ICMP error the translator generated: why it was sent and what it quotes. */
  readonly generated: TranslationStep | null;
  readonly input: ExplainedPacket;
  /** What the translator wrote: one packet, several fragments, one ICMP error, or none. */
  readonly outputs: readonly ExplainedPacket[];
  /** In the order the translator took them; quoted-packet steps carry depth 1. */
  readonly steps: readonly TranslationStep[];
  /**
   * Where the re-run's output differs from the recorded twin (a configuration no longer known, a
   * snapped recording): said plainly rather than shown as if it matched; null when they agree.
   */
  readonly mismatch: string | null;
}
