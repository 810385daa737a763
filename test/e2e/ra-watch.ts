// What a host interface hears from the network, on the wire (tcpdump in the host namespace): Router
// Advertisements with the /64s they offer (prefix information, RFC 4861 §4.6.2) and the NAT64 prefix
// of their PREF64 option (RFC 8781), and the answers of DNS servers; each with tcpdump's timestamp
// (the wall clock). For timing tests: "the CLAT ran X s after the new network's first RA".
//
// Lifecycle: start() resolves once tcpdump listens; stop() ends it. The lab's teardown kills it anyway.

import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';
import { formatIpv6 } from '../../core/wire/address.js';

export interface HeardRa {
  readonly kind: 'ra';
  readonly atMs: number;
  readonly from: string;
  /** The /64s of its prefix information options. */
  readonly prefixes: readonly string[];
  /** The NAT64 prefix of its PREF64 option, e.g. "2001:db8:64::/96"; null without one. */
  readonly pref64: string | null;
}

export interface HeardDnsAnswer {
  readonly kind: 'dns';
  readonly atMs: number;
  readonly from: string;
}

export type Heard = HeardRa | HeardDnsAnswer;

/** RFC 8781 §4: the Prefix Length Code and the lengths it stands for. */
const pref64Lengths = [96, 64, 56, 48, 40, 32];

export class RaWatch {
  private constructor(private readonly capture: LabProcess) {}

  static async start(lab: Lab, dev: string): Promise<RaWatch> {
    // -v prints the options of each RA; -tt the time as seconds since the epoch.
    const filter = '(icmp6 and ip6[40] == 134) or (udp and src port 53)';
    const capture = lab.spawn('host', ['tcpdump', '-l', '-n', '-tt', '-v', '-i', dev, filter], { name: `tcpdump on ${dev}` });
    await capture.waitForOutput(/listening on/, 10_000);
    return new RaWatch(capture);
  }

  /** Everything heard so far, in order. */
  get heard(): Heard[] {
    const packets = this.capture.output.split(/\n(?=\d+\.\d+ )/);
    const heard: Heard[] = [];
    for (const packet of packets) {
      const head = /^(\d+\.\d+) IP6 .*?\) (\S+?)(?:\.53)? > /.exec(packet);
      if (head === null) continue;
      const atMs = Math.round(Number(head[1]) * 1000);
      if (packet.includes('router advertisement')) {
        const prefixes = [...packet.matchAll(/prefix info option \(3\), length \d+ \(\d+\): (\S+),/g)].map((m) => m[1]);
        heard.push({ kind: 'ra', atMs, from: head[2], prefixes, pref64: pref64Of(packet) });
      } else {
        heard.push({ kind: 'dns', atMs, from: head[2] });
      }
    }
    return heard;
  }

  /** The first RA heard after `sinceMs` that `accept` takes, once there is one. */
  waitForRa(accept: (ra: HeardRa) => boolean, sinceMs: number, timeoutMs: number, what: string): Promise<HeardRa> {
    return pollUntil(async () => this.firstRa(accept, sinceMs), { timeoutMs, what, intervalMs: 50 });
  }

  firstRa(accept: (ra: HeardRa) => boolean, sinceMs: number): HeardRa | null {
    return this.heard.find((h): h is HeardRa => h.kind === 'ra' && h.atMs >= sinceMs && accept(h)) ?? null;
  }

  firstDnsAnswer(sinceMs: number): HeardDnsAnswer | null {
    return this.heard.find((h): h is HeardDnsAnswer => h.kind === 'dns' && h.atMs >= sinceMs) ?? null;
  }

  async stop(): Promise<void> {
    await this.capture.stop();
  }
}

/**
 * tcpdump 4.99 does not decode option 38: it prints "unknown option (38)" and the option's body in
 * hex, the 16-bit scaled lifetime and PLC, then the 96 highest bits of the prefix.
 */
function pref64Of(packet: string): string | null {
  const match = /unknown option \(38\), length 16 \(2\):\s*\n\s*0x0000:\s+((?:[0-9a-f]{4}\s*){7})/.exec(packet);
  if (match === null) return null;
  const bytes = Buffer.from(match[1].replace(/\s+/g, ''), 'hex');
  const address = new Uint8Array(16);
  address.set(bytes.subarray(2, 14));
  return `${formatIpv6(address)}/${pref64Lengths[bytes[1] & 0x7] ?? 96}`;
}
