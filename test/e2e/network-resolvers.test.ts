// RFC 7050 discovery asks the resolvers the network gave (RFC 8880 §7.1), and where the RAs name
// none (no RDNSS), those the host's network software knows for the uplink, before /etc/resolv.conf
// (core/discovery/link-resolvers.ts). The lab: NetworkManager manages the uplink (as on a desktop)
// and its profile names the ISP's DNS64 resolver (ipv6.dns: NetworkManager lists it with those of
// RDNSS and DHCPv6, which the lab does not run); the RAs carry no RDNSS and no PREF64; the host's
// resolv.conf names a resolver without DNS64. So the prefix can come only from DNS64, asked through
// the resolver NetworkManager knows for the link, and status says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { digShort } from '../../core/lab/probes.js';
import { topology } from '../../core/lab/topology.js';
import { EngineProcess, engineDir, isRunning, tearDown } from './engine-process.js';

const isRoot = process.getuid?.() === 0;
const nat64Prefix = '2001:db8:64::/96';
const serverIpv4 = '203.0.113.10';
/** The ISP's DNS64, known to the host only through NetworkManager's profile. */
const dns64 = topology.isp.ipv6;

describe.skipIf(!isRoot)("the link's resolvers as NetworkManager knows them (no RDNSS, resolv.conf without DNS64)", () => {
  let lab: Lab | undefined;
  let engine: EngineProcess | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    lab = await createLab({ networkManager: true, pref64: null, raRdnss: false, hostResolver: 'plain', networkManagerDns: [dns64] });
    dir = engineDir();
  }, 120_000);

  afterAll(() => tearDown(engine, lab, dir), 60_000);

  it("takes the prefix from DNS64 through NetworkManager's resolver for the uplink, and status says where the resolvers came from", async () => {
    const uplink = lab!.host.uplink;
    // What the host has: NetworkManager lists the DNS64 for the uplink; resolv.conf's resolver has no DNS64.
    expect((await lab!.exec('host', ['nmcli', '-g', 'IP6.DNS', 'device', 'show', uplink])).stdout.trim().replaceAll('\\:', ':')).toBe(dns64);
    expect(await digShort(lab!, 'host', 'AAAA', 'ipv4only.arpa')).toEqual([]);

    engine = await EngineProcess.start(lab!, { dir: dir! });
    const startedMs = performance.now();
    const answer = await engine.up();
    const status = isRunning(answer) ? answer : await engine.waitForRunning(15_000);
    console.log(`network resolvers: \`clatter up\` to running in ${Math.round(performance.now() - startedMs)} ms, DNS64 asked at ${dns64} (NetworkManager's for ${uplink})`);
    expect([status.prefix.prefix, status.prefix.source]).toEqual([nat64Prefix, 'dns']);
    expect(status.prefix.resolvers).toEqual({ source: 'network-manager', addresses: [dns64] });
    expect(engine.log).toContain(`no resolver in the uplink's RAs: asking its resolvers as NetworkManager knows them for ipv4only.arpa: ${dns64}`);
    expect(engine.log).not.toMatch(/asking the host's \(\/etc\/resolv\.conf\)/);
    const text = await engine.cli(['status']);
    expect(text.stdout).toMatch(new RegExp(`^NAT64 prefix\\s+2001:db8:64::/96 from DNS64 .*\\(asked ${dns64}, the uplink's resolvers as NetworkManager knows them\\)`, 'm'));
    const ping = await lab!.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '10', serverIpv4], { timeoutMs: 15_000 });
    expect(ping.stdout).toMatch(/^3 packets transmitted, 3 received/m);
  }, 60_000);
});
