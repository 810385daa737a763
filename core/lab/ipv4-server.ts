// The server namespace: a machine of the IPv4-only world the host wants to reach. IPv6 is disabled
// there outright, so nothing can reach it except as IPv4 through the router. It serves a generated
// file over HTTP (python3 -m http.server), echoes UDP (udp-echo-script.ts) and runs iperf3 -s.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabContext } from './lab-context.js';
import { python3 } from './required-packages.js';
import { topology } from './topology.js';
import { udpEchoFileName, udpEchoScript } from './udp-echo-script.js';

const { server } = topology;

export interface ServedFile {
  /** URL path on the server. */
  readonly path: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
}

/** Turns IPv6 off; before the links arrive, so that no interface ever gets an IPv6 address. */
export async function disableServerIpv6(ctx: LabContext): Promise<void> {
  await ctx.sysctl('server', { 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.default.disable_ipv6': 1 });
}

export async function configureServer(ctx: LabContext): Promise<void> {
  await ctx.ip('server', 'link', 'set', 'lo', 'up');
  await ctx.ip('server', 'address', 'add', `${server.ipv4}/${server.prefixLength}`, 'dev', server.link);
  await ctx.ip('server', 'link', 'set', server.link, 'up');
  await ctx.ip('server', 'route', 'add', 'default', 'via', topology.isp.ipv4);
}

/** Writes the file the HTTP server serves: random bytes, so that a wrong byte anywhere shows in the hash. */
export function writeServedFile(ctx: LabContext, sizeBytes: number): ServedFile {
  const root = ctx.path('www');
  mkdirSync(root);
  const content = randomBytes(sizeBytes);
  writeFileSync(join(root, server.httpPath.slice(1)), content);
  return { path: server.httpPath, sizeBytes, sha256: createHash('sha256').update(content).digest('hex') };
}

export function startServerDaemons(ctx: LabContext): void {
  ctx.startDaemon('server', 'http', [python3, '-m', 'http.server', '--bind', server.ipv4, '--directory', ctx.path('www'), String(server.httpPort)]);
  ctx.startDaemon('server', 'udp-echo', [python3, ctx.writeFile(udpEchoFileName, udpEchoScript), server.ipv4, String(server.udpEchoPort)]);
  ctx.startDaemon('server', 'iperf3', ['iperf3', '--server', '--bind', server.ipv4, '--port', String(server.iperf3Port)]);
}

export async function serverReady(ctx: LabContext): Promise<boolean> {
  const sockets = await ctx.listeningSockets('server');
  return (
    sockets.has(`tcp ${server.ipv4}:${server.httpPort}`) &&
    sockets.has(`udp ${server.ipv4}:${server.udpEchoPort}`) &&
    sockets.has(`tcp ${server.ipv4}:${server.iperf3Port}`)
  );
}
