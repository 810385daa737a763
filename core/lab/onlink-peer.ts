// A lab variant: the IPv4 server's translated address, 2001:db8:64::cb00:710a (203.0.113.10 under
// the lab's NAT64 prefix, topology.ts), held by the router itself, on lo in front of the prefix's
// route to tayga, with HTTP, UDP echo and iperf3 listening on it over IPv6. Through a CLAT, the
// host's IPv4 traffic to 203.0.113.10 then ends at an IPv6 peer one hop away on the uplink's link,
// with no NAT64 in between: what the router's kernel sends to the host is its own TCP and UDP,
// built for the veth with partial checksums (CHECKSUM_PARTIAL) and, with TSO, as super-packets of
// up to 64 KiB, which is what a packet socket on the host's uplink then receives.
//
// Lifecycle: startOnlinkPeer() adds the address and starts the servers, resolving once they listen;
// the lab's destroy() removes both with the namespace.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import type { ServedFile } from './ipv4-server.js';
import { pollUntil } from './poll.js';
import { python3 } from './required-packages.js';
import { topology } from './topology.js';
import { udpEchoFileName, udpEchoScript } from './udp-echo-script.js';

export interface OnlinkPeer {
  /** The address the peer holds: the server's under the first NAT64 prefix. */
  readonly ipv6: string;
  /** What the host's IPv4 programs connect to, to reach the peer through a CLAT. */
  readonly ipv4: string;
  readonly http: ServedFile & { readonly port: number };
  readonly udpEchoPort: number;
  readonly iperf3Port: number;
}

export async function startOnlinkPeer(lab: Lab, fileBytes = 4 * 1024 * 1024): Promise<OnlinkPeer> {
  const { server } = topology;
  const ipv6 = server.viaNat64[0];
  await lab.exec('isp', ['ip', '-6', 'address', 'add', `${ipv6}/128`, 'dev', 'lo', 'nodad']);

  const root = join(lab.tempDir, 'onlink-www');
  mkdirSync(root);
  const content = randomBytes(fileBytes);
  writeFileSync(join(root, server.httpPath.slice(1)), content);
  const echo = join(lab.tempDir, `onlink-${udpEchoFileName}`);
  writeFileSync(echo, udpEchoScript);
  lab.spawn('isp', [python3, '-m', 'http.server', '--bind', ipv6, '--directory', root, String(server.httpPort)], { name: 'onlink-http' });
  lab.spawn('isp', [python3, echo, ipv6, String(server.udpEchoPort)], { name: 'onlink-udp-echo' });
  lab.spawn('isp', ['iperf3', '--server', '--bind', ipv6, '--port', String(server.iperf3Port)], { name: 'onlink-iperf3' });

  const wanted = [`tcp [${ipv6}]:${server.httpPort}`, `udp [${ipv6}]:${server.udpEchoPort}`, `tcp [${ipv6}]:${server.iperf3Port}`];
  await pollUntil(
    async () => {
      const { stdout } = await lab.exec('isp', ['ss', '-H', '-l', '-n', '-t', '-u']);
      const sockets = new Set(stdout.split('\n').map((line) => line.trim().split(/\s+/)).filter((c) => c.length >= 5).map((c) => `${c[0]} ${c[4]}`));
      return wanted.every((socket) => sockets.has(socket)) || null;
    },
    { timeoutMs: 10_000, what: "the on-link peer's HTTP, UDP echo and iperf3" },
  );
  return {
    ipv6,
    ipv4: server.ipv4,
    http: { path: server.httpPath, sizeBytes: fileBytes, sha256: createHash('sha256').update(content).digest('hex'), port: server.httpPort },
    udpEchoPort: server.udpEchoPort,
    iperf3Port: server.iperf3Port,
  };
}
