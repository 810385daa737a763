// Our own RFC 7050 DNS messages (core/discovery/ipv4only-arpa-message.ts) from literal bytes, and the
// UDP client that asks the RDNSS resolvers with them (node/resolver-query.ts) against a real server
// on ::1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4onlyArpaQuery, parseIpv4onlyArpaReply } from '../../core/discovery/ipv4only-arpa-message.js';
import { queryResolvers } from '../../core/discovery/node/resolver-query.js';
import { formatIpv6 } from '../../core/wire/address.js';
import { TestDnsServer } from './discovery-dns-server.js';
import { addr, concat } from './discovery-fixtures.js';
import { hex } from './packet-check.js';

/** A question in wire form, as hex: the labels of `name`, then type and class IN. */
function questionHex(name: string, type = 28): string {
  const labels = name.split('.').map((label) => label.length.toString(16).padStart(2, '0') + Buffer.from(label, 'ascii').toString('hex'));
  return labels.join('') + '00' + type.toString(16).padStart(4, '0') + '0001';
}

/** A reply: header with `flags`, our question, then the records. */
function reply(id: number, flags: number, answers: Uint8Array[], questionText = questionHex('ipv4only.arpa')): Uint8Array {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint16(0, id);
  view.setUint16(2, flags);
  view.setUint16(4, 1);
  view.setUint16(6, answers.length);
  const q = Uint8Array.from(questionText.match(/../g)!.map((byte) => parseInt(byte, 16)));
  return concat(header, q, ...answers);
}

/** An answer record named by a pointer to the question (0xc00c). */
function record(type: number, ttl: number, rdata: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + rdata.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xc00c);
  view.setUint16(2, type);
  view.setUint16(4, 1);
  view.setUint32(6, ttl);
  view.setUint16(10, rdata.length);
  out.set(rdata, 12);
  return out;
}

describe('ipv4only.arpa messages', () => {
  it('the query: id, RD, one question AAAA IN for ipv4only.arpa', () => {
    expect(questionHex('ipv4only.arpa')).toBe('08697076346f6e6c7904617270610000' + '1c0001');
    expect(hex(ipv4onlyArpaQuery(0xbeef))).toBe('beef' + '0100' + '0001' + '0000' + '0000' + '0000' + '08697076346f6e6c7904617270610000' + '1c' + '0001');
  });

  it('reads the AAAA records of an answer and their smallest TTL, past a CNAME', () => {
    const cname = record(5, 30, Uint8Array.of(0xc0, 0x0c));
    const answer = reply(7, 0x8180, [cname, record(28, 600, addr('64:ff9b::c000:aa')), record(28, 300, addr('64:ff9b::c000:ab'))]);
    const parsed = parseIpv4onlyArpaReply(answer, 7);
    expect(parsed.kind === 'answer' && [parsed.addresses.map((a) => formatIpv6(a)), parsed.ttlS]).toEqual([['64:ff9b::c000:aa', '64:ff9b::c000:ab'], 300]);
  });

  it('NODATA and NXDOMAIN are answers without addresses (no DNS64); SERVFAIL and TC are failures', () => {
    expect(parseIpv4onlyArpaReply(reply(7, 0x8180, []), 7)).toEqual({ kind: 'answer', addresses: [], ttlS: 0 });
    expect(parseIpv4onlyArpaReply(reply(7, 0x8183, []), 7)).toEqual({ kind: 'answer', addresses: [], ttlS: 0 });
    expect(parseIpv4onlyArpaReply(reply(7, 0x8182, []), 7)).toEqual({ kind: 'failure', error: 'the resolver answered rcode 2' });
    expect(parseIpv4onlyArpaReply(reply(7, 0x8380, []), 7).kind).toBe('failure');
  });

  it('ignores what is not the answer to our query: another id, a query, another question, junk', () => {
    expect(parseIpv4onlyArpaReply(reply(8, 0x8180, []), 7).kind).toBe('not-ours');
    expect(parseIpv4onlyArpaReply(reply(7, 0x0100, []), 7).kind).toBe('not-ours');
    expect(parseIpv4onlyArpaReply(reply(7, 0x8180, [], questionHex('example')), 7).kind).toBe('not-ours');
    expect(parseIpv4onlyArpaReply(reply(7, 0x8180, [], questionHex('ipv4only.arpa', 1)), 7).kind).toBe('not-ours');
    // Cut short anywhere before its question ends, it cannot be known as ours.
    for (let length = 0; length < 30; length++) expect(parseIpv4onlyArpaReply(reply(7, 0x8180, []).subarray(0, length), 7)).toEqual({ kind: 'not-ours' });
  });

  it('takes the question in any letter case (RFC 4343)', () => {
    expect(parseIpv4onlyArpaReply(reply(7, 0x8180, [], questionHex('IPv4Only.ARPA')), 7).kind).toBe('answer');
  });
});

describe('queryResolvers', () => {
  let server: TestDnsServer;
  beforeAll(async () => {
    server = await TestDnsServer.start('udp6');
  });
  afterAll(() => server.close());

  it('asks the server over UDP and returns the AAAA addresses and TTL', async () => {
    server.behaviour = { kind: 'answer', addresses: ['2001:db8:64::c000:aa', '2001:db8:64::c000:ab'], ttlS: 90 };
    const reply = await queryResolvers({ servers: ['::1'], port: server.port, timeoutMs: 2_000, tries: 1 });
    expect(reply.ok && [reply.addresses.map((a) => formatIpv6(a)), reply.ttlS]).toEqual([['2001:db8:64::c000:aa', '2001:db8:64::c000:ab'], 90]);
  });

  it('gives up after its timeout when nobody answers, and says so', async () => {
    server.behaviour = { kind: 'silent' };
    const startedMs = Date.now();
    const reply = await queryResolvers({ servers: ['::1'], port: server.port, timeoutMs: 300, tries: 2 });
    expect(reply).toEqual({ ok: false, error: 'no answer for ipv4only.arpa within 300 ms' });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(290);
  });

  it('reports SERVFAIL when no server does better', async () => {
    server.behaviour = { kind: 'server-failure' };
    const reply = await queryResolvers({ servers: ['::1'], port: server.port, timeoutMs: 400, tries: 1 });
    expect(reply).toEqual({ ok: false, error: '::1: the resolver answered rcode 2' });
  });
});
