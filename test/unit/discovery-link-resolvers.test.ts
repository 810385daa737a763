// The link's resolvers as NetworkManager and systemd-resolved know them, for RFC 7050 discovery
// (RFC 8880 §7.1): their tools' output read (core/discovery/link-resolvers.ts), the order of the
// sources, and the lookup that runs the tools, missing ones included (node/link-resolver-lookup.ts).

import { describe, expect, it } from 'vitest';
import { chooseResolvers, parseNmcliDns, parseResolvectlDns } from '../../core/discovery/link-resolvers.js';
import { linkResolverLookup, type ToolRunner } from '../../core/discovery/node/link-resolver-lookup.js';

describe('parseNmcliDns', () => {
  it('reads the terse values, escaped colons and several joined by " | " or one a line', () => {
    expect(parseNmcliDns('2001\\:db8\\:1\\:2\\:\\:53 | fe80\\:\\:1\n')).toEqual(['2001:db8:1:2::53', 'fe80::1']);
    expect(parseNmcliDns('2001:db8:1:2::53\n2001:db8:1:2::54\n')).toEqual(['2001:db8:1:2::53', '2001:db8:1:2::54']);
  });

  it('gives nothing for a device without IPv6 resolvers (an empty line), and canonical addresses each once', () => {
    expect(parseNmcliDns('\n')).toEqual([]);
    expect(parseNmcliDns('2001:DB8:0:0::53 | 2001:db8::53')).toEqual(['2001:db8::53']);
  });
});

describe('parseResolvectlDns', () => {
  it("reads the link's servers, without zones and TLS server names, IPv6 only", () => {
    const text = 'Link 3 (wlan0): 2001:db8:1:2::53 192.0.2.53 fe80::1%3 2001:db8::853#dns.example\n';
    expect(parseResolvectlDns(text)).toEqual(['2001:db8:1:2::53', 'fe80::1', '2001:db8::853']);
  });

  it('gives nothing for a link with no servers', () => {
    expect(parseResolvectlDns('Link 3 (wlan0):\n')).toEqual([]);
    expect(parseResolvectlDns('')).toEqual([]);
  });
});

describe('chooseResolvers', () => {
  const networkManager = { source: 'network-manager', addresses: ['2001:db8:1:2::53'] } as const;
  const resolved = { source: 'resolved', addresses: ['2001:db8:1:2::54'] } as const;

  it("takes the RAs' RDNSS first, then the first tool that knows some, then the host's", () => {
    expect(chooseResolvers(2, ['fe80::1'], [networkManager, resolved])).toEqual({ source: 'ra', ifindex: 2, addresses: ['fe80::1'] });
    expect(chooseResolvers(2, [], [networkManager, resolved])).toEqual({ source: 'network-manager', ifindex: 2, addresses: ['2001:db8:1:2::53'] });
    expect(chooseResolvers(2, [], [{ source: 'network-manager', addresses: [] }, resolved])).toEqual({ source: 'resolved', ifindex: 2, addresses: ['2001:db8:1:2::54'] });
    expect(chooseResolvers(2, [], [])).toEqual({ source: 'host' });
  });

  it("asks the host's without an uplink", () => {
    expect(chooseResolvers(null, ['fe80::1'], [networkManager])).toEqual({ source: 'host' });
  });
});

describe('linkResolverLookup', () => {
  /** A runner that answers from `outputs` by tool name; a missing one fails as a missing program does. */
  const runner = (outputs: Record<string, string>, asked: string[] = []): ToolRunner => async (file, args) => {
    asked.push(`${file} ${args.join(' ')}`);
    const stdout = outputs[file];
    return stdout === undefined ? { ok: false, error: `${file}: spawn ${file} ENOENT`, stderr: '' } : { ok: true, stdout };
  };

  it('asks both tools about the uplink by name and reports NetworkManager before systemd-resolved', async () => {
    const asked: string[] = [];
    const lookup = linkResolverLookup(runner({ nmcli: '2001\\:db8\\:1\\:2\\:\\:53\n', resolvectl: 'Link 3 (wlan0): 2001:db8:1:2::54\n' }, asked), () => 'wlan0');
    expect(await lookup(3)).toEqual([
      { source: 'network-manager', addresses: ['2001:db8:1:2::53'] },
      { source: 'resolved', addresses: ['2001:db8:1:2::54'] },
    ]);
    expect(asked).toEqual(['nmcli -g IP6.DNS device show wlan0', 'resolvectl dns wlan0']);
  });

  it('leaves out a tool that is missing or fails (no NetworkManager, no systemd-resolved): no error', async () => {
    expect(await linkResolverLookup(runner({ resolvectl: 'Link 3 (wlan0): 2001:db8:1:2::54\n' }), () => 'wlan0')(3)).toEqual([
      { source: 'resolved', addresses: ['2001:db8:1:2::54'] },
    ]);
    expect(await linkResolverLookup(runner({}), () => 'wlan0')(3)).toEqual([]);
  });

  it('asks nothing for an interface that is gone', async () => {
    const asked: string[] = [];
    expect(await linkResolverLookup(runner({ nmcli: '2001:db8::53' }, asked), () => null)(9)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
