// A tiny DNS server on 127.0.0.1 for dnsDiscovery tests: it answers AAAA queries for ipv4only.arpa the
// way the test says (addresses and TTL, no data, SERVFAIL, or silence) and counts the queries.
// Loopback only; the port is the kernel's choice.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { parseIpv6 } from '../../core/wire/address.js';

export type DnsBehaviour =
  | { readonly kind: 'answer'; readonly addresses: readonly string[]; readonly ttlS: number }
  | { readonly kind: 'no-data' }
  | { readonly kind: 'server-failure' }
  | { readonly kind: 'silent' };

const typeAaaa = 28;
const classIn = 1;

export class TestDnsServer {
  behaviour: DnsBehaviour = { kind: 'no-data' };
  /** Names and types asked, e.g. "ipv4only.arpa/28". */
  readonly questions: string[] = [];
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (query, peer) => this.#answer(Buffer.from(query), peer));
  }

  /** On 127.0.0.1, or with `udp6` on ::1. */
  static async start(family: 'udp4' | 'udp6' = 'udp4'): Promise<TestDnsServer> {
    const socket = createSocket(family);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, family === 'udp4' ? '127.0.0.1' : '::1', () => resolve());
    });
    return new TestDnsServer(socket);
  }

  /** "127.0.0.1:port", for Resolver.setServers. */
  get address(): string {
    const { address, port } = this.#socket.address();
    return `${address}:${port}`;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #answer(query: Buffer, peer: RemoteInfo): void {
    if (query.length < 12) return;
    // The question: labels from byte 12, then QTYPE and QCLASS (RFC 1035 §4.1.2).
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      labels.push(query.toString('ascii', offset + 1, offset + 1 + query[offset]));
      offset += 1 + query[offset];
    }
    const questionEnd = offset + 5;
    if (questionEnd > query.length) return;
    const qtype = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    this.questions.push(`${name}/${qtype}`);
    const behaviour = this.behaviour;
    if (behaviour.kind === 'silent') return;
    const answers = behaviour.kind === 'answer' && name === 'ipv4only.arpa' && qtype === typeAaaa ? behaviour.addresses : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // ID
    const rcode = behaviour.kind === 'server-failure' ? 2 : 0;
    header.writeUInt16BE(0x8180 | rcode, 2); // QR, RD, RA
    header.writeUInt16BE(1, 4); // QDCOUNT
    header.writeUInt16BE(answers.length, 6); // ANCOUNT
    const records = answers.map((text) => {
      const record = Buffer.alloc(12 + 16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question
      record.writeUInt16BE(typeAaaa, 2);
      record.writeUInt16BE(classIn, 4);
      record.writeUInt32BE(behaviour.kind === 'answer' ? behaviour.ttlS : 0, 6);
      record.writeUInt16BE(16, 10);
      const address = parseIpv6(text);
      if (address === undefined) throw new Error(`bad address ${text}`);
      record.set(address, 12);
      return record;
    });
    this.#socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...records]), peer.port, peer.address);
  }
}
