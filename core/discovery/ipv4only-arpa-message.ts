// The DNS messages of one RFC 7050 query, written and read by us (RFC 1035 §4.1) for the times the
// system's resolver library cannot be used: asking the resolvers a router named in its RAs (RDNSS),
// which may be link-local addresses that c-ares (through Node) cannot reach, since it drops the
// zone. One question, AAAA for ipv4only.arpa, recursion desired; the answer's AAAA records and the
// smallest TTL among them. Standard-only; never throws.
//
//   header    u16 id, u16 flags (QR opcode AA TC RD | RA Z rcode), u16 qdcount, ancount, nscount, arcount
//   question  name (labels), u16 type, u16 class
//   answer    name (labels or a pointer, §4.1.4), u16 type, u16 class, u32 ttl, u16 rdlength, rdata

import { read16, read32, write16 } from '../wire/bytes.js';

const headerBytes = 12;
const typeAaaa = 28;
const classIn = 1;
const flagResponse = 0x8000;
const flagTruncated = 0x0200;
const flagRecursionDesired = 0x0100;
const rcodeNxdomain = 3;
/** ipv4only.arpa. in wire form (RFC 1035 §3.1). */
const questionName = Uint8Array.of(8, ...[...'ipv4only'].map((c) => c.charCodeAt(0)), 4, ...[...'arpa'].map((c) => c.charCodeAt(0)), 0);
const maxAnswers = 64;

/** The query, with message id `id` (0 to 65535: random, RFC 5452 §9.2). */
export function ipv4onlyArpaQuery(id: number): Uint8Array {
  const message = new Uint8Array(headerBytes + questionName.length + 4);
  write16(message, 0, id);
  write16(message, 2, flagRecursionDesired);
  write16(message, 4, 1);
  message.set(questionName, headerBytes);
  write16(message, headerBytes + questionName.length, typeAaaa);
  write16(message, headerBytes + questionName.length + 2, classIn);
  return message;
}

export type Ipv4onlyArpaReply =
  /** Not an answer to our query (another id, not a response, another question): keep waiting. */
  | { readonly kind: 'not-ours' }
  /** An answer: the AAAA addresses (none: NODATA or NXDOMAIN, no DNS64 here) and their smallest TTL. */
  | { readonly kind: 'answer'; readonly addresses: readonly Uint8Array[]; readonly ttlS: number }
  /** The resolver could not answer (SERVFAIL, REFUSED, …) or the answer was cut short. */
  | { readonly kind: 'failure'; readonly error: string };

/** Reads a reply to the query with id `id`. */
export function parseIpv4onlyArpaReply(bytes: Uint8Array, id: number): Ipv4onlyArpaReply {
  if (bytes.length < headerBytes || read16(bytes, 0) !== id) return { kind: 'not-ours' };
  const flags = read16(bytes, 2);
  if ((flags & flagResponse) === 0 || ((flags >> 11) & 0x0f) !== 0) return { kind: 'not-ours' };
  // RFC 5452 §9.1: the question must be ours, or the answer is not for us.
  if (read16(bytes, 4) !== 1 || !sameBytes(bytes, headerBytes, questionName)) return { kind: 'not-ours' };
  let at = headerBytes + questionName.length;
  if (at + 4 > bytes.length || read16(bytes, at) !== typeAaaa || read16(bytes, at + 2) !== classIn) return { kind: 'not-ours' };
  at += 4;
  if ((flags & flagTruncated) !== 0) return { kind: 'failure', error: 'the answer was truncated (TC)' };
  const rcode = flags & 0x0f;
  if (rcode === rcodeNxdomain) return { kind: 'answer', addresses: [], ttlS: 0 };
  if (rcode !== 0) return { kind: 'failure', error: `the resolver answered rcode ${rcode}` };
  const addresses: Uint8Array[] = [];
  let ttlS = Number.POSITIVE_INFINITY;
  const count = Math.min(read16(bytes, 6), maxAnswers);
  for (let i = 0; i < count; i++) {
    const afterName = skipName(bytes, at);
    if (afterName < 0 || afterName + 10 > bytes.length) break;
    const type = read16(bytes, afterName);
    const klass = read16(bytes, afterName + 2);
    const ttl = read32(bytes, afterName + 4);
    const rdlength = read16(bytes, afterName + 8);
    const rdata = afterName + 10;
    if (rdata + rdlength > bytes.length) break;
    // A CNAME on the way is followed by its AAAA records in the same answer; only those count.
    if (type === typeAaaa && klass === classIn && rdlength === 16) {
      addresses.push(bytes.slice(rdata, rdata + 16));
      // RFC 2181 §8: a TTL with the top bit set is read as 0.
      ttlS = Math.min(ttlS, ttl >= 0x80000000 ? 0 : ttl);
    }
    at = rdata + rdlength;
  }
  return { kind: 'answer', addresses, ttlS: addresses.length === 0 ? 0 : ttlS };
}

/** The offset after the name at `at` (labels, ending in a zero byte or a pointer); -1 if it does not fit. */
function skipName(bytes: Uint8Array, at: number): number {
  for (let labels = 0; at < bytes.length && labels < 128; labels++) {
    const length = bytes[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2 <= bytes.length ? at + 2 : -1;
    if ((length & 0xc0) !== 0) return -1;
    at += 1 + length;
  }
  return -1;
}

/** `bytes` holds `expected` at `at`, ASCII letters compared without case (RFC 4343). */
function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const a = bytes[at + i];
    const lower = a >= 0x41 && a <= 0x5a ? a + 0x20 : a;
    if (lower !== expected[i]) return false;
  }
  return true;
}
