// Who may talk to the browser mode's server. It listens on loopback only, but a loopback port is
// reachable from every web page the user has open: a page could send requests to it, or point a
// DNS name of its own at 127.0.0.1 (DNS rebinding) and read the answers. So a request must
//   - name this server in its Host header as a loopback address (not some other name that
//     happens to resolve here);
//   - come from this server's own origin when it says where it comes from (Origin; fetch always
//     says so on POST) and not from another site (Sec-Fetch-Site);
//   - carry the random token of this run as its first path segment (the URL printed at start),
//     compared in constant time. Without it, everything is "not found".

import { timingSafeEqual } from 'node:crypto';

export interface GuardInput {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly fetchSite: string | undefined;
  /** The request's path (without the query). */
  readonly path: string;
}

export type GuardVerdict =
  | { readonly ok: true; /** The path after the token, starting with "/". */ readonly rest: string }
  | { readonly ok: false; readonly status: 403 | 404; readonly reason: string };

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];

export function guardRequest(input: GuardInput, port: number, token: string): GuardVerdict {
  const allowedHosts = loopbackHosts.map((name) => `${name}:${port}`);
  if (input.host === undefined || !allowedHosts.includes(input.host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host ${JSON.stringify(input.host ?? '')} is not this server` };
  }
  if (input.origin !== undefined && input.origin !== `http://${input.host.toLowerCase()}`) {
    return { ok: false, status: 403, reason: `requests from ${input.origin} are not accepted` };
  }
  if (input.fetchSite !== undefined && input.fetchSite !== 'same-origin' && input.fetchSite !== 'none') {
    return { ok: false, status: 403, reason: `cross-site request (${input.fetchSite})` };
  }
  const prefix = `/${token}`;
  const given = input.path.slice(0, prefix.length);
  const rest = input.path.slice(prefix.length);
  const tokenMatches = given.length === prefix.length && timingSafeEqual(Buffer.from(given), Buffer.from(prefix));
  if (!tokenMatches || (rest !== '' && !rest.startsWith('/'))) return { ok: false, status: 404, reason: 'not found' };
  return { ok: true, rest: rest === '' ? '/' : rest };
}
