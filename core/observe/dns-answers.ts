// The A records of a DNS response (RFC 1035 §4.1), for naming the remote end of flows. Reads the
// header, skips the questions, and walks the answer section; names may be compressed (§4.1.4).
// Whatever the bytes, it never throws and never loops: it stops at the first thing that does not
// fit, so a response cut short (the first fragment of a large one) still yields what it holds.
//
// The name given to an address is the one the program asked for: an A record reached from the
// question through CNAMEs (www.example.com → cdn.example.net → 192.0.2.7) names 192.0.2.7
// www.example.com; an A record outside that chain keeps its own owner name.

export interface DnsAddressAnswer {
  /** The IPv4 address, uint32. */
  readonly address: number;
  /** Lower case, in presentation form (RFC 1035 §5.1: odd bytes as \DDD, dots inside labels as \.). */
  readonly name: string;
  readonly ttlSeconds: number;
}

const headerBytes = 12;
const typeA = 1;
const typeCname = 5;
const classIn = 1;
/** RFC 1035 §3.1: a name is at most 255 bytes on the wire. */
const maxNameBytes = 255;
const maxQuestions = 4;
const maxAnswers = 256;

/** Where the last readName stopped (the byte after the name where it was found), or -1 on failure. */
let nameEnd = -1;

/** The A records in the DNS message `bytes[start, end)`; empty for anything else. */
export function dnsAddressAnswers(bytes: Uint8Array, start: number, end: number): DnsAddressAnswer[] {
  const answers: DnsAddressAnswer[] = [];
  if (start < 0 || end > bytes.length || end - start < headerBytes) return answers;
  const flags = (bytes[start + 2] << 8) | bytes[start + 3];
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0x0f;
  const rcode = flags & 0x0f;
  if (!isResponse || opcode !== 0 || rcode !== 0) return answers;
  const questions = (bytes[start + 4] << 8) | bytes[start + 5];
  const answerCount = (bytes[start + 6] << 8) | bytes[start + 7];
  if (questions > maxQuestions) return answers;

  let at = start + headerBytes;
  const chain: string[] = [];
  for (let q = 0; q < questions; q++) {
    const name = readName(bytes, start, end, at);
    if (name === null || nameEnd + 4 > end) return answers;
    if (q === 0) chain.push(name);
    at = nameEnd + 4; // QTYPE, QCLASS
  }
  const asked = chain.length > 0 ? chain[0] : null;

  for (let a = 0; a < answerCount && a < maxAnswers; a++) {
    const owner = readName(bytes, start, end, at);
    if (owner === null || nameEnd + 10 > end) break;
    const fields = nameEnd;
    const type = (bytes[fields] << 8) | bytes[fields + 1];
    const klass = (bytes[fields + 2] << 8) | bytes[fields + 3];
    // RFC 2181 §8: a TTL with the top bit set is read as 0.
    const ttlRaw = ((bytes[fields + 4] << 24) | (bytes[fields + 5] << 16) | (bytes[fields + 6] << 8) | bytes[fields + 7]) >>> 0;
    const ttlSeconds = ttlRaw > 0x7fffffff ? 0 : ttlRaw;
    const rdLength = (bytes[fields + 8] << 8) | bytes[fields + 9];
    const rdata = fields + 10;
    if (rdata + rdLength > end) break;
    at = rdata + rdLength;
    if (klass !== classIn) continue;
    const inChain = chain.includes(owner);
    if (type === typeA && rdLength === 4) {
      const address = ((bytes[rdata] << 24) | (bytes[rdata + 1] << 16) | (bytes[rdata + 2] << 8) | bytes[rdata + 3]) >>> 0;
      answers.push({ address, name: inChain && asked !== null ? asked : owner, ttlSeconds });
    } else if (type === typeCname && inChain) {
      const target = readName(bytes, start, rdata + rdLength, rdata);
      if (target !== null && !chain.includes(target) && chain.length < 16) chain.push(target);
    }
  }
  return answers;
}

/**
 * The name at `at` in the message that begins at `messageStart`, reading no byte at or after
 * `end`; sets `nameEnd`. Compression pointers must point backwards (RFC 1035 §4.1.4: to "a prior
 * occurrence of the same name"), so a run of pointers always ends, and coming back to a pointer
 * takes a label, which the 255-byte limit counts: reading always ends.
 */
function readName(bytes: Uint8Array, messageStart: number, end: number, at: number): string | null {
  nameEnd = -1;
  let text = '';
  let wireBytes = 0;
  let resumeAt = -1;
  let position = at;
  for (;;) {
    if (position >= end) return null;
    const length = bytes[position];
    if (length === 0) {
      if (resumeAt < 0) resumeAt = position + 1;
      break;
    }
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      if (position + 1 >= end) return null;
      const target = messageStart + (((length & 0x3f) << 8) | bytes[position + 1]);
      if (target >= position) return null;
      if (resumeAt < 0) resumeAt = position + 2;
      position = target;
      continue;
    }
    if (kind !== 0) return null; // 0x40 and 0x80: extended label types (RFC 6891 §5 deprecates them)
    wireBytes += length + 1;
    if (wireBytes + 1 > maxNameBytes || position + 1 + length > end) return null;
    if (text.length > 0) text += '.';
    for (let i = position + 1; i <= position + length; i++) text += presentationChar(bytes[i]);
    position += 1 + length;
  }
  nameEnd = resumeAt;
  return text.length === 0 ? '.' : text;
}

function presentationChar(byte: number): string {
  if (byte >= 0x41 && byte <= 0x5a) return String.fromCharCode(byte + 0x20); // lower case (RFC 4343)
  if (byte === 0x2e || byte === 0x5c) return '\\' + String.fromCharCode(byte);
  if (byte > 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return '\\' + String(byte).padStart(3, '0');
}
