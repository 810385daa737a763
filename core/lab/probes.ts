// What a user's program in a namespace would do, done by real clients inside it: resolve a name (dig),
// fetch a URL (curl), exchange a UDP datagram (a Python one-shot). For the tests and `clatter demo`:
// each returns what arrived, or rejects saying what did not.

import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecOptions, ExecResult } from './netns-command.js';
import { python3 } from './required-packages.js';
import type { LabRole } from './topology.js';

/** The part of a Lab the probes use. */
export interface ProbeTarget {
  readonly tempDir: string;
  exec(role: LabRole, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** The records dig prints with +short (addresses, for A and AAAA); the resolv.conf server when `server` is absent. */
export async function digShort(lab: ProbeTarget, role: LabRole, type: 'A' | 'AAAA', name: string, server?: string): Promise<string[]> {
  const argv = ['dig', '+short', '+time=2', '+tries=2', type, name, ...(server ? [`@${server}`] : [])];
  const { stdout } = await lab.exec(role, argv);
  return stdout.split('\n').filter((line) => line !== '');
}

export interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly sha256: string;
}

/** GET `url` with curl (IPv6 literals in brackets are fine). */
export async function httpGet(lab: ProbeTarget, role: LabRole, url: string, timeoutMs = 10_000): Promise<HttpResponse> {
  const bodyPath = join(lab.tempDir, `http-body-${randomUUID()}`);
  try {
    const seconds = String(timeoutMs / 1000);
    const { stdout } = await lab.exec(role, ['curl', '--silent', '--show-error', '--globoff', '--max-time', seconds, '--output', bodyPath, '--write-out', '%{http_code}', url], {
      timeoutMs: timeoutMs + 5_000,
    });
    const body = readFileSync(bodyPath);
    return { status: Number(stdout), body, sha256: createHash('sha256').update(body).digest('hex') };
  } finally {
    rmSync(bodyPath, { force: true });
  }
}

// Sends argv[3] (hex) from an ephemeral port to argv[1]:argv[2] and prints the reply in hex.
const udpOneShot = String.raw`import socket, sys
address, port, payload, timeout = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3]), float(sys.argv[4])
sock = socket.socket(socket.AF_INET6 if ':' in address else socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(timeout)
sock.sendto(payload, (address, port))
data, peer = sock.recvfrom(65535)
print(data.hex())
`;

/** Sends `payload` to a UDP echo at `address`:`port` and resolves with the reply. */
export async function udpExchange(lab: ProbeTarget, role: LabRole, address: string, port: number, payload: Uint8Array, timeoutMs = 5_000): Promise<Buffer> {
  const argv = [python3, '-c', udpOneShot, address, String(port), Buffer.from(payload).toString('hex'), String(timeoutMs / 1000)];
  const { stdout } = await lab.exec(role, argv, { timeoutMs: timeoutMs + 5_000 });
  return Buffer.from(stdout.trim(), 'hex');
}
