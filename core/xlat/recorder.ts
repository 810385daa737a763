// The translator's recording mode. An XlatContext carries a recorder only off the packet path
// (explain.ts): the translator checks `ctx.recorder !== null` where it writes a field or decides,
// and notes what it did there: which input bits became which output bits, by which rule. On the
// packet path the recorder is null and each check is one predictable branch; nothing is allocated.
//
// A note keeps positions as the translator knew them (bits in the input array, bits in the output
// buffer); explain.ts turns them into the steps of core/api/explanation.ts once the outputs are
// known. Rules are templates: `{from}` and `{to}` become the fields' values as people read them.

import type { StepAction } from '../api/explanation.js';
import { protocol } from '../wire/protocol.js';
import {
  extensionField, fragmentField, icmpField, icmpv6Field, ipv4Field, ipv6Field, layOutPacket,
  type FieldSpec, type HeaderName, type LaidOutField,
} from './explain-fields.js';
import { refusalRules } from './explain-rules.js';
import { joinHairpinPlace, joinHairpinSteps } from './hairpin-steps.js';
import { verdictName } from './verdict.js';
import { icmp4Type, icmp6Type } from '../wire/icmp.js';
import { fragmentationNeeded4, nextHeaderProblem6 } from './icmp-map.js';

/** A field as the translator saw it: bits counted from the start of the array it lives in. */
export interface RawPlace {
  readonly header: HeaderName;
  readonly name: string;
  readonly depth: 0 | 1;
  readonly bit: number;
  readonly bits: number;
  /** RFC 6052: indices of the address's bytes that hold the embedded IPv4 address. */
  readonly embedded?: readonly number[];
}

export interface RawStep {
  readonly action: StepAction;
  /** In the input (which starts at index 0 of its array). */
  readonly from: RawPlace | null;
  /** In the output buffer (absolute). */
  readonly to: RawPlace | null;
  readonly rule: string;
  readonly cite: string;
  /** A byte range moved whole: explain.ts names the fields inside it by the input's layout. */
  readonly range: boolean;
  /** Part of an ICMP error the translator generated. */
  readonly generated: boolean;
}

export type HopAction = 'decremented' | 'copied' | 'downstream' | 'unchanged-quote' | 'not-decremented';
export type AddressHow = 'pool6' | 'eamt' | 'rfc6791';

function place(base: number, spec: FieldSpec, depth: 0 | 1): RawPlace {
  return { header: spec.header, name: spec.name, depth, bit: (base + spec.byte) * 8 + spec.bit, bits: spec.bits };
}

/** RFC 6052 §2.2: which bytes of the IPv6 address hold the IPv4 address, for each prefix length. */
export function embeddedIpv4Bytes(prefixLength: number): number[] {
  const bytes: number[] = [];
  for (let at = prefixLength >> 3; bytes.length < 4; at++) if (at !== 8) bytes.push(at);
  return bytes;
}

const hopRules: Record<HopAction, readonly [StepAction, string, string]> = {
  decremented: ['decremented', '{from} → {to}: the translator is a router and decrements', 'RFC 7915 §4.1'],
  copied: ['copied', '{from} → {to}: copied (this translator is configured not to decrement)', 'RFC 7915 §4.1'],
  downstream: ['copied', '{from} → {to}: copied; the next hop (nftables fwd of ingress delivery) decrements it', 'RFC 7915 §4.1'],
  'unchanged-quote': ['copied', '{from} → {to}: the quoted packet keeps its hop count', 'RFC 7915 §4.3'],
  'not-decremented': ['copied', '{from} → {to}: second half of a hairpin, already decremented once', 'RFC 7757 §4'],
};

export class XlatRecorder {
  readonly steps: RawStep[] = [];
  refusal: RawStep | null = null;
  private generatedNow = false;
  private inputLayout: LaidOutField[] | null = null;
  /** RFC 7757 §4: the first pass's steps while the second pass runs (hairpin-steps.ts). */
  private firstPass: RawStep[] | null = null;
  private readonly original: Uint8Array;

  /** `input`: the packet the notes' `from` positions count in (the intermediate one, in a hairpin's second pass). */
  constructor(public input: Uint8Array) {
    this.original = input;
  }

  /**
   * RFC 7757 §4: the first pass wrote the intermediate IPv4 packet `middle` (a view of its buffer
   * from index 0, as the translator's offsets count); the second pass reads it.
   */
  beginSecondPass(middle: Uint8Array): void {
    this.firstPass = this.steps.splice(0);
    this.input = middle;
    this.inputLayout = null;
  }

  /** Joins the two passes into steps from the input to the output. */
  endSecondPass(): void {
    const first = this.firstPass;
    if (first === null) return;
    const middle = this.input;
    this.steps.splice(0, this.steps.length, ...joinHairpinSteps(first, this.steps, middle));
    if (this.refusal !== null) this.refusal = { ...this.refusal, from: joinHairpinPlace(this.refusal.from, first) };
    this.firstPass = null;
    this.input = this.original;
    this.inputLayout = null;
  }

  /** The input's fields (for copies), laid out once. */
  layout(): LaidOutField[] {
    this.inputLayout ??= layOutPacket(this.input, this.input.length);
    return this.inputLayout;
  }

  private push(step: Omit<RawStep, 'generated' | 'range'> & { range?: boolean }): void {
    this.steps.push({ ...step, range: step.range ?? false, generated: this.generatedNow });
  }

  /** One field: `from` at input byte `fromBase`, `to` at output byte `toBase`. */
  field(
    action: StepAction, fromBase: number, from: FieldSpec | null, fromDepth: 0 | 1,
    toBase: number, to: FieldSpec | null, toDepth: 0 | 1, rule: string, cite: string,
  ): void {
    this.push({
      action,
      from: from === null ? null : place(fromBase, from, fromDepth),
      to: to === null ? null : place(toBase, to, toDepth),
      rule,
      cite,
    });
  }

  /** `bytes` bytes moved unchanged from input byte `from` to output byte `to`. */
  copy(from: number, to: number, bytes: number, fromDepth: 0 | 1, toDepth: 0 | 1, rule: string, cite: string, toFamily: 4 | 6): void {
    if (bytes <= 0) return;
    const toHeader: HeaderName = toFamily === 4 ? 'ipv4' : 'ipv6';
    this.push({
      action: 'copied',
      from: { header: 'ipv4', name: 'Data', depth: fromDepth, bit: from * 8, bits: bytes * 8 },
      to: { header: toHeader, name: 'Data', depth: toDepth, bit: to * 8, bits: bytes * 8 },
      rule,
      cite,
      range: true,
    });
  }

  /** Output bytes written with no input counterpart (RFC 4884 zero padding). */
  fill(header: HeaderName, name: string, to: number, bytes: number, depth: 0 | 1, rule: string, cite: string): void {
    if (bytes <= 0) return;
    this.push({ action: 'synthesised', from: null, to: { header, name, depth, bit: to * 8, bits: bytes * 8 }, rule, cite });
  }

  /**
   * The packet is refused with `verdict` because of the input field `spec` of the header at byte
   * `base`. Notes about an output that will not leave are let go; a generated error's stay.
   */
  refuse(verdict: number, base: number, spec: FieldSpec | null, depth: 0 | 1): void {
    const name = verdictName(verdict) ?? 'outputTooLarge';
    const [rule, cite] = refusalRules[name];
    const from = spec === null ? null : place(base, spec, depth);
    this.refusal = { action: 'checked', from, to: null, rule, cite, range: false, generated: false };
    for (let i = this.steps.length - 1; i >= 0; i--) if (!this.steps[i].generated) this.steps.splice(i, 1);
  }

  /** A refusal at a byte range (options, an extension header), named after the range. */
  refuseRange(verdict: number, header: HeaderName, name: string, byte: number, bytes: number, depth: 0 | 1): void {
    this.refuse(verdict, byte, { header, name, byte: 0, bit: 0, bits: bytes * 8 }, depth);
  }

  /** The translator starts an ICMP error of its own; what it noted for the translation is void. */
  beginGenerated(): void {
    this.steps.length = 0;
    this.generatedNow = true;
  }

  endGenerated(): void {
    this.generatedNow = false;
  }

  /**
   * RFC 7915 §4.1: the IPv6 header (and a Fragment header at `fragmentAt`, or -1) written at `p`
   * from the IPv4 header at `s`. `split`: a piece of a packet the translator fragmented.
   */
  ipv6HeaderFrom4(s: number, p: number, depth: 0 | 1, hop: HopAction, fragmentAt: number, split: boolean, error: boolean): void {
    const b = this.input;
    const sec = depth === 0 ? 'RFC 7915 §4.1' : 'RFC 7915 §4.3';
    const proto = b[s + 9];
    if (depth === 0) this.beyondDeclaredEnd(s + ((b[s + 2] << 8) | b[s + 3]));
    this.field('mapped', s, ipv4Field.version, depth, p, ipv6Field.version, depth, 'Version {from} → {to}', sec);
    this.field('dropped', s, ipv4Field.ihl, depth, p, null, depth, 'IHL {from}: the IPv6 header has a fixed length of 40 bytes', sec);
    this.field('copied', s, ipv4Field.typeOfService, depth, p, ipv6Field.trafficClass, depth, 'Type of Service {from} → Traffic Class {to}: copied', sec);
    this.field('synthesised', s, null, depth, p, ipv6Field.flowLabel, depth, 'Flow Label {to}: IPv4 has none, so it is set to zero', sec);
    const lengthRule = error
      ? 'Total Length {from} → Payload Length {to}: the length of the rebuilt ICMPv6 error'
      : split
        ? 'Payload Length {to}: this fragment\'s share of the data plus the 8-byte Fragment header'
        : fragmentAt >= 0
          ? 'Total Length {from} → Payload Length {to}: less the IPv4 header, plus the 8-byte Fragment header'
          : 'Total Length {from} → Payload Length {to}: less the IPv4 header (IHL × 4)';
    this.field('computed', s, ipv4Field.totalLength, depth, p, ipv6Field.payloadLength, depth, lengthRule, sec);
    const [hopAction, hopRule, hopCite] = hopRules[hop];
    this.field(hopAction, s, ipv4Field.timeToLive, depth, p, ipv6Field.hopLimit, depth, `Time to Live ${hopRule.replace('{to}', 'Hop Limit {to}')}`, depth === 0 ? hopCite : sec);
    this.field('dropped', s, ipv4Field.headerChecksum, depth, p, null, depth, 'Header Checksum {from}: IPv6 has no header checksum (it was verified first)', sec);
    const ihl = (b[s] & 0x0f) << 2;
    if (ihl > 20) {
      this.push({
        action: 'dropped', from: { header: 'ipv4-options', name: 'Options', depth, bit: (s + 20) * 8, bits: (ihl - 20) * 8 },
        to: null, rule: 'IPv4 options are not translated', cite: sec,
      });
    }
    const protocolRule = proto === protocol.icmp ? 'Protocol {from} → Next Header {to}: ICMP becomes ICMPv6' : 'Protocol {from} → Next Header {to}: copied';
    const protocolAction: StepAction = proto === protocol.icmp ? 'mapped' : 'copied';
    if (fragmentAt < 0) {
      this.field(protocolAction, s, ipv4Field.protocol, depth, p, ipv6Field.nextHeader, depth, protocolRule, sec);
      this.field('dropped', s, ipv4Field.identification, depth, p, null, depth, 'Identification {from}: an unfragmented IPv6 packet has no Identification', sec);
      this.field('dropped', s, ipv4Field.flags, depth, p, null, depth, 'Flags {from}: IPv6 routers never fragment, so DF has no field to go to', sec);
      this.field('dropped', s, ipv4Field.fragmentOffset, depth, p, null, depth, 'Fragment Offset {from}: not a fragment', sec);
      return;
    }
    const fragmentCite = split ? 'RFC 7915 §4.1' : 'RFC 7915 §4.1.1';
    this.field('synthesised', s, null, depth, p, ipv6Field.nextHeader, depth, 'Next Header {to}: a Fragment header follows', fragmentCite);
    this.field(protocolAction, s, ipv4Field.protocol, depth, fragmentAt, fragmentField.nextHeader, depth, protocolRule.replace('Next Header', 'the Fragment header\'s Next Header'), fragmentCite);
    this.field('synthesised', s, null, depth, fragmentAt, fragmentField.reserved, depth, 'Reserved {to}', fragmentCite);
    if (split) {
      this.field('computed', s, ipv4Field.fragmentOffset, depth, fragmentAt, fragmentField.fragmentOffset, depth, 'Fragment Offset {to}: where this piece lies in the datagram (in 8-byte units)', fragmentCite);
    } else {
      this.field('copied', s, ipv4Field.fragmentOffset, depth, fragmentAt, fragmentField.fragmentOffset, depth, 'Fragment Offset {from} → {to}: copied', fragmentCite);
    }
    this.field('synthesised', s, null, depth, fragmentAt, fragmentField.res, depth, 'Res {to}', fragmentCite);
    this.field(split ? 'computed' : 'mapped', s, ipv4Field.flags, depth, fragmentAt, fragmentField.m, depth,
      split ? 'M {to}: more pieces follow, or the IPv4 packet had MF set' : 'Flags {from} → M {to}: More Fragments copied; DF has no counterpart', fragmentCite);
    this.field('mapped', s, ipv4Field.identification, depth, fragmentAt, fragmentField.identification, depth,
      'Identification {from} → {to}: the 16 bits in the low half, high half zero', fragmentCite);
  }

  /**
   * RFC 7915 §5.1: the IPv4 header written at `p` from the IPv6 packet at `s` (extension headers
   * skipped; a Fragment header at `fragmentAt` or -1). `id` and `flags` say where those came from.
   */
  ipv4HeaderFrom6(
    s: number, p: number, depth: 0 | 1, hop: HopAction, fragmentAt: number, upperAt: number,
    id: 'fragment' | 'counter' | 'zero' | 'quoted', flags: 'fragment' | 'df' | 'clear' | 'error', error: boolean,
  ): void {
    const b = this.input;
    const sec = depth === 0 ? 'RFC 7915 §5.1' : 'RFC 7915 §5.3';
    if (depth === 0) this.beyondDeclaredEnd(s + 40 + ((b[s + 4] << 8) | b[s + 5]));
    this.field('mapped', s, ipv6Field.version, depth, p, ipv4Field.version, depth, 'Version {from} → {to}', sec);
    this.field('synthesised', s, null, depth, p, ipv4Field.ihl, depth, 'IHL {to}: a 20-byte header, no options', sec);
    this.field('copied', s, ipv6Field.trafficClass, depth, p, ipv4Field.typeOfService, depth, 'Traffic Class {from} → Type of Service {to}: copied', sec);
    this.field('dropped', s, ipv6Field.flowLabel, depth, p, null, depth, 'Flow Label {from}: IPv4 has no counterpart', sec);
    this.field('computed', s, ipv6Field.payloadLength, depth, p, ipv4Field.totalLength, depth,
      error ? 'Payload Length {from} → Total Length {to}: the length of the rebuilt ICMP error'
        : 'Payload Length {from} → Total Length {to}: plus the 20-byte IPv4 header, less any extension headers', sec);
    const fragmentCite = 'RFC 7915 §5.1.1';
    if (id === 'fragment') {
      this.field('mapped', fragmentAt, fragmentField.identification, depth, p, ipv4Field.identification, depth, 'Identification {from} → {to}: its low-order 16 bits', fragmentCite);
    } else if (id === 'counter') {
      this.field('synthesised', s, null, depth, p, ipv4Field.identification, depth,
        'Identification {to}: from the translator\'s counter, so a router may still fragment it', 'RFC 7915 §5.1, RFC 6864 §4');
    } else if (id === 'quoted') {
      this.field('synthesised', s, null, depth, p, ipv4Field.identification, depth, 'Identification {to}: the quoted IPv6 packet was not a fragment, so it had none', sec);
    } else {
      this.field('synthesised', s, null, depth, p, ipv4Field.identification, depth, 'Identification {to}: an atomic datagram (DF set) needs none', 'RFC 6864 §4.1');
    }
    if (flags === 'fragment') {
      this.field('mapped', fragmentAt, fragmentField.m, depth, p, ipv4Field.flags, depth, 'M {from} → Flags {to}: More Fragments copied, DF clear', fragmentCite);
      this.field('copied', fragmentAt, fragmentField.fragmentOffset, depth, p, ipv4Field.fragmentOffset, depth, 'Fragment Offset {from} → {to}: copied', fragmentCite);
    } else {
      const flagRule = flags === 'df'
        ? `Flags {to}: DF set, the packet is larger than 1260 bytes and the sender must learn the path MTU`
        : flags === 'error'
          ? 'Flags {to}: errors leave with DF clear, so a router may fragment them on a small link'
          : 'Flags {to}: DF clear, a packet of at most 1260 bytes may be fragmented by IPv4 routers';
      this.field('synthesised', s, null, depth, p, ipv4Field.flags, depth, flagRule, sec);
      this.field('synthesised', s, null, depth, p, ipv4Field.fragmentOffset, depth, 'Fragment Offset {to}: not a fragment', sec);
    }
    const [hopAction, hopRule, hopCite] = hopRules[hop];
    this.field(hopAction, s, ipv6Field.hopLimit, depth, p, ipv4Field.timeToLive, depth, `Hop Limit ${hopRule.replace('{to}', 'Time to Live {to}')}`, depth === 0 ? hopCite.replace('§4.1', '§5.1') : sec);
    // The Next Header that named the upper layer: the IPv6 header's, or the last extension header's.
    const upper = b[upperAt];
    const upperSpec = upperAt === s + 6 ? ipv6Field.nextHeader : upperAt === fragmentAt ? fragmentField.nextHeader : extensionField.nextHeader;
    const upperBase = upperAt === s + 6 ? s : upperAt;
    this.field(upper === protocol.icmpv6 ? 'mapped' : 'copied', upperBase, upperSpec, depth, p, ipv4Field.protocol, depth,
      upper === protocol.icmpv6 ? 'Next Header {from} → Protocol {to}: ICMPv6 becomes ICMP' : 'Next Header {from} → Protocol {to}: copied', sec);
    this.field('computed', s, null, depth, p, ipv4Field.headerChecksum, depth, 'Header Checksum {to}: computed over the new IPv4 header', 'RFC 791 §3.1');
    const used = flags === 'fragment' ? ['Identification', 'M', 'Fragment Offset'] : id === 'fragment' ? ['Identification'] : [];
    this.dropExtensions(s, depth, (upperBase + upperSpec.byte) * 8, used, sec);
  }

  /**
   * The input's quote bytes [from, to) an ICMP error could not carry (cut to the size limit, or
   * RFC 4884 zero padding), except the extension at `extensionStart` when it was carried.
   */
  notCarried(from: number, to: number, extensionStart: number, extensionBytes: number, limit: number): void {
    const drop = (start: number, end: number): void => {
      if (end <= start) return;
      this.push({
        action: 'dropped', from: { header: limit === 1280 ? 'ipv4' : 'ipv6', name: 'Data', depth: 1, bit: start * 8, bits: (end - start) * 8 }, to: null,
        rule: `{from}: not carried; the translated error is cut to ${limit} bytes, and padding is redone`,
        cite: limit === 1280 ? 'RFC 7915 §4.3, RFC 4443 §2.4 (c), RFC 4884 §5.1' : 'RFC 7915 §5.3, RFC 1812 §4.3.2.3, RFC 4884 §5.1',
      });
    };
    if (extensionBytes > 0 && extensionStart >= from && extensionStart < to) {
      drop(from, extensionStart);
      drop(extensionStart + extensionBytes, to);
    } else {
      drop(from, to);
    }
  }

  /** Bytes after the IP packet's declared end (link padding): not part of the packet. */
  beyondDeclaredEnd(end: number): void {
    const extra = this.input.length - end;
    if (extra <= 0) return;
    this.push({
      action: 'dropped', from: { header: this.input[0] >> 4 === 6 ? 'ipv6' : 'ipv4', name: 'Trailing bytes', depth: 0, bit: end * 8, bits: extra * 8 }, to: null,
      rule: '{from} after the length the header declares: not part of the packet', cite: 'RFC 791 §3.1, RFC 8200 §3',
    });
  }

  /** Every extension header field of the IPv6 packet at `s` not used above: not translated. */
  private dropExtensions(s: number, depth: 0 | 1, upperBit: number, usedFragmentFields: readonly string[], sec: string): void {
    if (upperBit !== (s + 6) * 8) {
      this.field('dropped', s, ipv6Field.nextHeader, depth, 0, null, depth, 'Next Header {from}: names the extension header that follows, which is not translated', sec);
    }
    for (const f of this.layout()) {
      if (f.depth !== depth || f.bitOffset < (s + 40) * 8) continue;
      if (f.header !== 'extension' && f.header !== 'fragment') continue;
      if (f.bitOffset === upperBit) continue;
      if (f.header === 'fragment' && usedFragmentFields.includes(f.name)) continue;
      this.push({
        action: 'dropped', from: { header: f.header, name: f.name, depth, bit: f.bitOffset, bits: f.bitLength }, to: null,
        rule: f.header === 'fragment' ? '{from}: the Fragment header is not carried over' : 'IPv6 extension headers are not translated',
        cite: sec,
      });
    }
  }

  /** RFC 6052 / RFC 7757 / RFC 6791: an address mapped from the input's `fromSpec` to the output's `toSpec`. */
  address(
    fromBase: number, fromSpec: FieldSpec, toBase: number, toSpec: FieldSpec, depth: 0 | 1, how: AddressHow,
    prefixLength: number, toDepth: 0 | 1 = depth,
  ): void {
    const embedded = how === 'pool6' ? embeddedIpv4Bytes(prefixLength) : undefined;
    const bitsFrom = prefixLength === 96 ? 'bits 96–127' : `bits ${prefixLength}–${prefixLength + 39} less the u-octet (64–71)`;
    const [rule, cite] = how === 'pool6'
      ? [`{from} → {to}: the IPv4 address embedded under the NAT64 prefix /${prefixLength} (${bitsFrom})`, 'RFC 6052 §2.2']
      : how === 'eamt'
        ? ['{from} → {to}: by an explicit address mapping (EAMT; in a CLAT, the host\'s 192.0.0.1 ↔ the CLAT\'s own IPv6 address)', 'RFC 7757 §3.2, RFC 6877 §6.3']
        : toSpec.bits === 32
          ? ['{from} → {to}: an error from an IPv6 node with no IPv4 form comes from the IPv4 dummy address', 'RFC 7915 §5.1, RFC 6791 §4, RFC 7600']
          : ['{from} → {to}: an error from an IPv4 node with no IPv6 form comes from the translator\'s pool address', 'RFC 7915 §4.1, RFC 6791 §4'];
    this.push({
      action: how === 'rfc6791' ? 'synthesised' : 'mapped',
      from: { ...place(fromBase, fromSpec, depth), embedded: fromSpec.bits === 128 ? embedded : undefined },
      to: { ...place(toBase, toSpec, toDepth), embedded: toSpec.bits === 128 ? embedded : undefined },
      rule, cite,
    });
  }

  /**
   * RFC 4884 §5.1 (icmp-extension.ts): the quote at output byte `q` padded with zeros to
   * `paddedBytes`, and the extension copied after it. `paddedBytes` 0: no extension was placed.
   */
  quoteLayout(q: number, quoteBytes: number, paddedBytes: number, extensionStart: number, extensionBytes: number, depth6: boolean): void {
    if (paddedBytes === 0) return;
    const kept = Math.min(quoteBytes, paddedBytes);
    const header: HeaderName = depth6 ? 'icmpv6' : 'icmp';
    this.fill(header, 'Padding', q + kept, paddedBytes - kept, 1, 'zero padding: the quote is padded to the length field\'s unit and at least 128 bytes', 'RFC 4884 §5.1');
    this.push({
      action: 'copied',
      from: { header: depth6 ? 'icmp' : 'icmpv6', name: 'Extension Structure', depth: 1, bit: extensionStart * 8, bits: extensionBytes * 8 },
      to: { header, name: 'Extension Structure', depth: 1, bit: (q + paddedBytes) * 8, bits: extensionBytes * 8 },
      rule: 'the ICMP extension structure, copied after the padded quote', cite: 'RFC 4884 §4, RFC 7915 §4.2',
    });
  }

  /** The input's ICMP header bits 32–63 that `used` does not name: not carried over. */
  private dropRestOfHeader(l4: number, used: readonly string[], sec: string): void {
    for (const f of this.layout()) {
      if (f.depth !== 0 || f.bitOffset < (l4 + 4) * 8 || f.bitOffset >= (l4 + 8) * 8 || used.includes(f.name)) continue;
      this.push({ action: 'dropped', from: { header: f.header, name: f.name, depth: 0, bit: f.bitOffset, bits: f.bitLength }, to: null, rule: '{from}: no counterpart in the translated error', cite: sec });
    }
  }

  /** RFC 7915 §4.2: an ICMPv4 error's header (at input `l4`) rebuilt as ICMPv6 at output `c`. */
  icmpErrorHeader46(l4: number, c: number, mapped: number, plateau: boolean, lengthUnits: number): void {
    const sec = 'RFC 7915 §4.2';
    const type6 = mapped >> 8;
    this.field('mapped', l4, icmpField.type, 0, c, icmpv6Field.type, 0, 'ICMP Type {from} → ICMPv6 Type {to}', sec);
    this.field('mapped', l4, icmpField.code, 0, c, icmpv6Field.code, 0, 'Code {from} → {to}', sec);
    this.field('computed', l4, icmpField.checksum, 0, c, icmpv6Field.checksum, 0, '{from} → {to}: computed anew over the rebuilt error and the ICMPv6 pseudo-header', 'RFC 7915 §4.3, RFC 4443 §2.3');
    if (type6 === icmp6Type.packetTooBig) {
      this.field('computed', l4, icmpField.nextHopMtu, 0, c, icmpv6Field.mtu, 0, plateau
        ? 'Next-Hop MTU {from} (none given: the RFC 1191 plateau below the quoted Total Length) → MTU {to}: plus 20 for the larger IPv6 header, within both links\' MTUs'
        : 'Next-Hop MTU {from} → MTU {to}: plus 20 for the larger IPv6 header, within both links\' MTUs', plateau ? 'RFC 7915 §4.2, RFC 1191 §7' : sec);
      this.dropRestOfHeader(l4, ['Next-Hop MTU'], sec);
    } else if (mapped === nextHeaderProblem6) {
      this.field('synthesised', l4, null, 0, c, icmpv6Field.pointer, 0, 'Pointer {to}: Protocol Unreachable becomes Parameter Problem pointing at the Next Header field', sec);
      this.dropRestOfHeader(l4, [], sec);
    } else if (type6 === icmp6Type.parameterProblem) {
      this.field('mapped', l4, icmpField.pointer, 0, c, icmpv6Field.pointer, 0, 'Pointer {from} → {to}: the IPv4 header byte\'s IPv6 counterpart (Figure 3)', sec);
      this.dropRestOfHeader(l4, ['Pointer'], sec);
    } else {
      const unused: FieldSpec = { header: 'icmpv6', name: 'Unused', byte: 5, bit: 0, bits: 24 };
      if (lengthUnits !== 0) {
        this.field('computed', l4, icmpField.length, 0, c, icmpv6Field.length, 0, 'Length {from} → {to}: the padded quote\'s length in 64-bit words', 'RFC 4884 §4.2');
      } else {
        this.field('synthesised', l4, null, 0, c, icmpv6Field.length, 0, 'Length {to}: no extension follows the quote', 'RFC 4884 §4.2');
      }
      this.field('synthesised', l4, null, 0, c, unused, 0, 'Unused {to}', sec);
      this.dropRestOfHeader(l4, lengthUnits !== 0 ? ['Length'] : [], sec);
    }
  }

  /** RFC 7915 §5.2: an ICMPv6 error's header (at input `l4`) rebuilt as ICMPv4 at output `c`. */
  icmpErrorHeader64(l4: number, c: number, mapped: number, lengthUnits: number): void {
    const sec = 'RFC 7915 §5.2';
    const type4 = mapped >> 8;
    this.field('mapped', l4, icmpv6Field.type, 0, c, icmpField.type, 0, 'ICMPv6 Type {from} → ICMP Type {to}', sec);
    this.field('mapped', l4, icmpv6Field.code, 0, c, icmpField.code, 0, 'Code {from} → {to}', sec);
    this.field('computed', l4, icmpv6Field.checksum, 0, c, icmpField.checksum, 0, '{from} → {to}: computed anew over the rebuilt error (ICMP has no pseudo-header)', 'RFC 7915 §5.3, RFC 792');
    const byte4: FieldSpec = { header: 'icmp', name: type4 === icmp4Type.parameterProblem ? 'Pointer' : 'Unused', byte: 4, bit: 0, bits: 8 };
    const low: FieldSpec = { header: 'icmp', name: mapped === fragmentationNeeded4 ? 'Next-Hop MTU' : 'Unused', byte: 6, bit: 0, bits: 16 };
    if (mapped === fragmentationNeeded4) {
      this.field('synthesised', l4, null, 0, c, byte4, 0, 'Unused {to}', sec);
      this.field('computed', l4, icmpv6Field.mtu, 0, c, low, 0, 'MTU {from} → Next-Hop MTU {to}: less 20 for the smaller IPv4 header, within both links\' MTUs', sec);
    } else if (type4 === icmp4Type.parameterProblem) {
      this.field('mapped', l4, icmpv6Field.pointer, 0, c, byte4, 0, 'Pointer {from} → {to}: the IPv6 header byte\'s IPv4 counterpart (Figure 6)', sec);
      this.field('synthesised', l4, null, 0, c, low, 0, 'Unused {to}', sec);
    } else {
      this.field('synthesised', l4, null, 0, c, byte4, 0, `${byte4.name} {to}`, sec);
      this.field('synthesised', l4, null, 0, c, low, 0, 'Unused {to}', sec);
    }
    const length: FieldSpec = { header: 'icmp', name: 'Length', byte: 5, bit: 0, bits: 8 };
    if (lengthUnits !== 0) {
      this.field('computed', l4, icmpv6Field.length, 0, c, length, 0, 'Length {from} → {to}: the padded quote\'s length in 32-bit words', 'RFC 4884 §4.1');
    } else {
      this.field('synthesised', l4, null, 0, c, length, 0, 'Length {to}: no extension follows the quote', 'RFC 4884 §4.1');
    }
    const type6 = this.input[l4];
    const used = type6 === icmp6Type.packetTooBig ? ['MTU'] : type6 === icmp6Type.parameterProblem && type4 === icmp4Type.parameterProblem ? ['Pointer'] : lengthUnits !== 0 ? ['Length'] : [];
    this.dropRestOfHeader(l4, used, sec);
  }

  /**
   * An ICMPv4 error of the translator's own (icmp-errors.ts) at output byte `p`, about the input
   * packet at `s`, quoting its first `quoted` bytes.
   */
  generatedIcmp4(p: number, s: number, quoted: number): void {
    const sec = 'RFC 7915 §4.4, RFC 792';
    this.field('synthesised', s, null, 0, p, ipv4Field.version, 0, 'Version {to}', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.ihl, 0, 'IHL {to}: no options', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.typeOfService, 0, 'Type of Service {to}', sec);
    this.field('computed', s, null, 0, p, ipv4Field.totalLength, 0, 'Total Length {to}: headers plus the quote', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.identification, 0, 'Identification {to}: an atomic datagram', 'RFC 6864 §4.1');
    this.field('synthesised', s, null, 0, p, ipv4Field.flags, 0, 'Flags {to}', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.fragmentOffset, 0, 'Fragment Offset {to}', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.timeToLive, 0, 'Time to Live {to}: a fresh packet from the translator', sec);
    this.field('synthesised', s, null, 0, p, ipv4Field.protocol, 0, 'Protocol {to}: ICMP', sec);
    this.field('computed', s, null, 0, p, ipv4Field.headerChecksum, 0, 'Header Checksum {to}', 'RFC 791 §3.1');
    this.field('synthesised', s, null, 0, p, ipv4Field.source, 0, 'Source Address {to}: the translator\'s own IPv4 address', 'RFC 7915 §4.4, RFC 6877 §6.3');
    this.field('copied', s, ipv4Field.source, 0, p, ipv4Field.destination, 0, '{from} → Destination Address {to}: back to the packet\'s source', sec);
    this.generatedIcmpHeader(p + 20, 'icmp', this.outputByte(p + 20) === 3 && this.outputByte(p + 21) === 4, sec);
    this.copy(s, p + 28, quoted, 0, 1, '{from}: quoted from the refused packet, as much as fits in 576 bytes', 'RFC 1812 §4.3.2.3', 4);
  }

  /** The same for an ICMPv6 error of the translator's own, quoting up to 1280 bytes in all. */
  generatedIcmp6(p: number, s: number, quoted: number): void {
    const sec = 'RFC 7915 §5.4, RFC 4443';
    this.field('synthesised', s, null, 0, p, ipv6Field.version, 0, 'Version {to}', sec);
    this.field('synthesised', s, null, 0, p, ipv6Field.trafficClass, 0, 'Traffic Class {to}', sec);
    this.field('synthesised', s, null, 0, p, ipv6Field.flowLabel, 0, 'Flow Label {to}', sec);
    this.field('computed', s, null, 0, p, ipv6Field.payloadLength, 0, 'Payload Length {to}: the ICMPv6 header plus the quote', sec);
    this.field('synthesised', s, null, 0, p, ipv6Field.nextHeader, 0, 'Next Header {to}: ICMPv6', sec);
    this.field('synthesised', s, null, 0, p, ipv6Field.hopLimit, 0, 'Hop Limit {to}: a fresh packet from the translator', sec);
    this.field('synthesised', s, null, 0, p, ipv6Field.source, 0, 'Source Address {to}: the translator\'s own IPv6 address', 'RFC 7915 §5.4, RFC 6877 §6.3');
    this.field('copied', s, ipv6Field.source, 0, p, ipv6Field.destination, 0, '{from} → Destination Address {to}: back to the packet\'s source', sec);
    this.generatedIcmpHeader(p + 40, 'icmpv6', false, sec);
    this.copy(s, p + 48, quoted, 0, 1, '{from}: quoted from the refused packet, as much as fits in 1280 bytes', 'RFC 4443 §2.4 (c)', 6);
  }

  /** Output bytes are read back when explain.ts resolves the notes; the type is needed now. */
  outputBuffer: Uint8Array | null = null;

  private outputByte(at: number): number {
    return this.outputBuffer === null ? 0 : this.outputBuffer[at];
  }

  private generatedIcmpHeader(c: number, header: 'icmp' | 'icmpv6', withMtu: boolean, sec: string): void {
    const f: FieldSpec = { header, name: 'Type', byte: 0, bit: 0, bits: 8 };
    this.field('synthesised', 0, null, 0, c, f, 0, 'Type {to}: the error the refusal calls for', sec);
    this.field('synthesised', 0, null, 0, c, { ...f, name: 'Code', byte: 1 }, 0, 'Code {to}', sec);
    this.field('computed', 0, null, 0, c, { ...f, name: 'Checksum', byte: 2, bits: 16 }, 0,
      header === 'icmp' ? 'Checksum {to}: over the whole message' : 'Checksum {to}: over the whole message and the pseudo-header', header === 'icmp' ? 'RFC 792' : 'RFC 4443 §2.3');
    const type = this.outputByte(c);
    if (header === 'icmp') {
      this.field('synthesised', 0, null, 0, c, { ...f, name: type === 12 ? 'Pointer' : 'Unused', byte: 4 }, 0, '{to}', sec);
      this.field('synthesised', 0, null, 0, c, { ...f, name: 'Length', byte: 5 }, 0, 'Length {to}: no extension', 'RFC 4884 §4.1');
      this.field(withMtu ? 'computed' : 'synthesised', 0, null, 0, c, { ...f, name: withMtu ? 'Next-Hop MTU' : 'Unused', byte: 6, bits: 16 }, 0,
        withMtu ? 'Next-Hop MTU {to}: the IPv6 MTU less the 20 (or 28, with a Fragment header) bytes translation adds' : '{to}', withMtu ? 'RFC 7915 §4.1, §6, RFC 1191' : sec);
    } else {
      const name = type === 2 ? 'MTU' : type === 4 ? 'Pointer' : 'Unused';
      const rule = type === 2 ? 'MTU {to}: the IPv4 MTU plus the 20 bytes translation adds' : type === 4 ? 'Pointer {to}: the offending field' : '{to}';
      this.field(type === 2 ? 'computed' : 'synthesised', 0, null, 0, c, { ...f, name, byte: 4, bits: 32 }, 0, rule, type === 2 ? 'RFC 7915 §5.1, §6' : sec);
    }
  }

  /** Steps noted for output bytes [from, from + 48) copied to each later fragment at `starts[i]`. */
  repeatForPieces(from: number, bytes: number, starts: readonly number[]): void {
    const header = this.steps.filter((step) => step.to !== null && !step.range && step.to.bit >= from * 8 && step.to.bit < (from + bytes) * 8);
    for (const start of starts) {
      const shift = (start - from) * 8;
      for (const step of header) this.steps.push({ ...step, to: { ...step.to!, bit: step.to!.bit + shift } });
    }
  }
}
