// Captures the Router Advertisements that reach the lab host's uplink (tcpdump inside the host
// namespace) and takes them apart byte by byte, to check what the PREF64 sender really put on the wire.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCapture } from '../../core/capture/read-capture.js';
import type { Lab } from '../../core/lab/lab.js';

export interface CapturedOption {
  readonly type: number;
  /** The whole option, type and length octets included. */
  readonly bytes: Uint8Array;
}

export interface CapturedRa {
  readonly sourceAddress: Uint8Array;
  readonly hopLimit: number;
  readonly routerLifetimeSeconds: number;
  readonly options: readonly CapturedOption[];
}

const ipv6HeaderBytes = 40;
const raHeaderBytes = 16; // RFC 4861 §4.2: type … retrans timer, then options

/** An RA in an IPv6 packet (no extension headers, as RAs are sent); null for anything else. */
export function parseRouterAdvertisement(ip: Uint8Array): CapturedRa | null {
  if (ip.length < ipv6HeaderBytes + raHeaderBytes || ip[0] >> 4 !== 6 || ip[6] !== 58) return null;
  const icmp = ip.subarray(ipv6HeaderBytes);
  if (icmp[0] !== 134 || icmp[1] !== 0) return null;
  const options: CapturedOption[] = [];
  for (let offset = raHeaderBytes; offset + 2 <= icmp.length; ) {
    const length = icmp[offset + 1] * 8;
    if (length === 0 || offset + length > icmp.length) break;
    options.push({ type: icmp[offset], bytes: icmp.slice(offset, offset + length) });
    offset += length;
  }
  return { sourceAddress: ip.slice(8, 24), hopLimit: ip[7], routerLifetimeSeconds: (icmp[6] << 8) | icmp[7], options };
}

/**
 * Captures RAs on the host's uplink: starts tcpdump, runs `during` once it listens, keeps capturing
 * for `forMs` more, and returns the RAs and the pcap file (for tshark).
 */
export async function captureRouterAdvertisements(lab: Lab, forMs: number, during?: () => Promise<unknown>): Promise<{ ras: CapturedRa[]; pcapPath: string }> {
  const pcapPath = join(lab.tempDir, `ra-${randomUUID()}.pcap`);
  // -U: write each packet at once; -Z root: write the file as root into the lab's root-only temp dir.
  const tcpdump = lab.spawn('host', ['tcpdump', '-i', lab.host.uplink, '-U', '-Z', 'root', '-w', pcapPath, 'icmp6 and ip6[40] == 134'], { name: 'tcpdump' });
  try {
    await tcpdump.waitForOutput(/listening on/, 10_000);
    await during?.();
    await sleep(forMs);
  } finally {
    await tcpdump.stop('SIGINT');
  }
  const result = readCapture(new Uint8Array(readFileSync(pcapPath)));
  if (!result.ok) throw new Error(`tcpdump's capture: ${result.error}`);
  const ras = result.capture.packets.map((packet) => parseRouterAdvertisement(packet.data)).filter((ra) => ra !== null);
  return { ras, pcapPath };
}
