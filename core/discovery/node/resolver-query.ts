// One RFC 7050 query over UDP to resolvers named by address (the RDNSS of the uplink's RAs), with
// our own DNS messages (../ipv4only-arpa-message.ts): Node's resolver (c-ares) drops the zone of a
// link-local address, and routers often name their own link-local address as RDNSS.
//
// Conversation: per attempt, one socket with a random source port and a random message id (RFC 5452
// §9.2); the query goes to each server in turn (the order the router gave) until one answers; a
// reply from another address, with another id or for another question is ignored. Gives up after
// `timeoutMs` in all. Never rejects.

import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { ipv4onlyArpaQuery, parseIpv4onlyArpaReply } from '../ipv4only-arpa-message.js';
import { ipv4onlyArpa } from '../ipv4only-arpa.js';

export type ResolverReply =
  | { readonly ok: true; readonly addresses: readonly Uint8Array[]; readonly ttlS: number }
  | { readonly ok: false; readonly error: string };

export interface ResolverQueryOptions {
  /** Addresses as text; link-local ones carry their zone ("fe80::1%wlan0"). */
  readonly servers: readonly string[];
  readonly timeoutMs: number;
  /** Rounds over all the servers. */
  readonly tries: number;
  /** Default 53; another only for tests. */
  readonly port?: number;
}

/** Zone-free text of `server` and its zone, for matching the sender of a reply. */
function withoutZone(server: string): string {
  const percent = server.indexOf('%');
  return percent < 0 ? server : server.slice(0, percent);
}

export function queryResolvers(options: ResolverQueryOptions): Promise<ResolverReply> {
  const { servers } = options;
  if (servers.length === 0) return Promise.resolve({ ok: false, error: 'no resolver to ask' });
  const attempts = servers.length * Math.max(1, options.tries);
  const perAttemptMs = Math.max(1, Math.floor(options.timeoutMs / attempts));
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp6' });
    const id = randomInt(0, 0x10000);
    const query = ipv4onlyArpaQuery(id);
    let attempt = 0;
    let lastError = `no answer for ${ipv4onlyArpa} within ${options.timeoutMs} ms`;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (reply: ResolverReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const sendNext = () => {
      if (attempt >= attempts) {
        finish({ ok: false, error: lastError });
        return;
      }
      const server = servers[attempt % servers.length];
      attempt++;
      socket.send(query, options.port ?? 53, server, (error) => {
        if (error) lastError = `${server}: ${error.message}`;
      });
      clearTimeout(timer);
      timer = setTimeout(sendNext, perAttemptMs);
    };
    socket.on('message', (message: Buffer, from: RemoteInfo) => {
      if (!servers.some((server) => withoutZone(server) === withoutZone(from.address))) return;
      const reply = parseIpv4onlyArpaReply(new Uint8Array(message.buffer, message.byteOffset, message.byteLength), id);
      if (reply.kind === 'not-ours') return;
      if (reply.kind === 'failure') {
        // Another server may do better; this one's word is kept in case none does.
        lastError = `${from.address}: ${reply.error}`;
        return;
      }
      finish({ ok: true, addresses: reply.addresses, ttlS: reply.ttlS });
    });
    socket.on('error', (error) => finish({ ok: false, error: error.message }));
    socket.bind(0, () => sendNext());
  });
}
