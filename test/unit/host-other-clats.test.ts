// Finding another CLAT on the host (core/host/other-clats.ts) from what `ip -j -d addr show`,
// /proc and nmcli say: an address of RFC 7335's range where it should not be, systemd-networkd's
// `cl-<if>` TUN, a clatd process, NetworkManager's `ipv4.clat`. The fixtures are trimmed real outputs.

import { describe, expect, it } from 'vitest';
import { clatdProcesses, clatsInLinks, inClatRange, networkManagerClats, type IpLinkAddresses } from '../../core/host/other-clats.js';

const inet = (local: string, prefixlen = 32) => ({ family: 'inet', local, prefixlen });
const inet6 = (local: string, prefixlen = 64) => ({ family: 'inet6', local, prefixlen });

/** A desktop running Clatter: lo, the Wi-Fi uplink, our TUN `clat`. */
const desktop: IpLinkAddresses[] = [
  { ifname: 'lo', addr_info: [inet('127.0.0.1', 8), inet6('::1', 128)] },
  { ifname: 'wlan0', linkinfo: {}, addr_info: [inet6('2001:db8:1:2:5054:ff:fe12:3456'), inet6('fe80::5054:ff:fe12:3456')] },
  { ifname: 'clat', linkinfo: { info_kind: 'tun' }, addr_info: [inet('192.0.0.1')] },
];

describe('inClatRange', () => {
  it('is 192.0.0.0/29 and nothing around it', () => {
    expect(['192.0.0.0', '192.0.0.1', '192.0.0.4', '192.0.0.7'].map(inClatRange)).toEqual([true, true, true, true]);
    expect(['192.0.0.8', '192.0.0.170', '192.0.1.1', '191.0.0.1', '192.0.0', 'x'].map(inClatRange)).toEqual([false, false, false, false, false, false]);
  });
});

describe('clatsInLinks', () => {
  it('finds nothing on a host whose only CLAT is ours', () => {
    expect(clatsInLinks(desktop, 'clat')).toEqual([]);
  });

  it('finds our own TUN when told of none (before `up` made it, a TUN called clat is someone else\'s)', () => {
    expect(clatsInLinks(desktop, null)).toEqual([{ kind: 'address', name: 'a TUN clat holding 192.0.0.1', interface: 'clat', address: '192.0.0.1' }]);
  });

  it('finds a TUN of another CLAT holding 192.0.0.1 (clatd\'s tayga, a hand-made one)', () => {
    const links = [...desktop, { ifname: 'othclat', linkinfo: { info_kind: 'tun' }, addr_info: [inet('192.0.0.1')] }];
    expect(clatsInLinks(links, 'clat')).toEqual([{ kind: 'address', name: 'a TUN othclat holding 192.0.0.1', interface: 'othclat', address: '192.0.0.1' }]);
  });

  it('finds a TUN with another address of 192.0.0.0/29, and 192.0.0.1 on any interface', () => {
    const links = [
      { ifname: 'tun7', linkinfo: { info_kind: 'tun' }, addr_info: [inet('192.0.0.4', 29)] },
      { ifname: 'eth1', linkinfo: { info_kind: 'veth' }, addr_info: [inet('192.0.0.1', 29)] },
    ];
    expect(clatsInLinks(links, 'clat').map((f) => f.name)).toEqual(['a TUN tun7 holding 192.0.0.4', 'an interface eth1 holding 192.0.0.1']);
  });

  it('leaves other 192.0.0.0/29 addresses on other kinds of interface alone (a DS-Lite B4 holds 192.0.0.2 on its tunnel)', () => {
    const links = [{ ifname: 'dslite', linkinfo: { info_kind: 'ip6tnl' }, addr_info: [inet('192.0.0.2', 29)] }];
    expect(clatsInLinks(links, 'clat')).toEqual([]);
  });

  it('names systemd-networkd\'s CLAT TUN by its uplink, once', () => {
    const links = [...desktop, { ifname: 'cl-wlan0', linkinfo: { info_kind: 'tun' }, addr_info: [inet('192.0.0.1')] }];
    expect(clatsInLinks(links, 'clat')).toEqual([{ kind: 'systemd-networkd', name: "systemd-networkd's CLAT on wlan0 (TUN cl-wlan0)", interface: 'cl-wlan0' }]);
  });

  it('does not take a non-TUN interface called cl-… for networkd\'s', () => {
    expect(clatsInLinks([{ ifname: 'cl-lan', linkinfo: { info_kind: 'bridge' }, addr_info: [inet('10.0.0.1', 24)] }], 'clat')).toEqual([]);
  });
});

describe('clatdProcesses', () => {
  it('finds clatd by its name, as a script run through perl, and by its path', () => {
    const processes = [
      { pid: 1, comm: 'systemd', argv: ['/sbin/init'] },
      { pid: 812, comm: 'clatd', argv: ['/usr/bin/perl', '/usr/sbin/clatd', '-c', '/etc/clatd.conf'] },
      { pid: 900, comm: 'perl', argv: ['perl', '/opt/clatd/clatd'] },
      { pid: 901, comm: 'perl', argv: ['perl', '/usr/bin/cpan'] },
      { pid: 950, comm: 'python3', argv: ['/usr/bin/python3', 'clatd_report.py'] },
    ];
    expect(clatdProcesses(processes)).toEqual([
      { kind: 'clatd', name: 'clatd (pid 812)', pid: 812 },
      { kind: 'clatd', name: 'clatd (pid 900)', pid: 900 },
    ]);
  });
});

describe('networkManagerClats', () => {
  const wlan0 = (clat: string | null) => ({ connection: 'Home Wi-Fi', device: 'wlan0', clat });

  it('finds nothing where NetworkManager has no ipv4.clat (1.42 says "invalid field")', () => {
    expect(networkManagerClats([wlan0(null), { connection: 'lo', device: 'lo', clat: null }], desktop)).toEqual([]);
  });

  it('finds auto and force, by name or number', () => {
    for (const value of ['auto', 'force', '1', '2', '1 (auto)']) {
      expect(networkManagerClats([wlan0(value)], desktop), value).toEqual([
        { kind: 'networkmanager', name: `NetworkManager's CLAT on wlan0 (connection "Home Wi-Fi", ipv4.clat ${value})`, connection: 'Home Wi-Fi', device: 'wlan0', setting: value },
      ]);
    }
  });

  it('leaves no alone, and default alone unless its device holds an address of 192.0.0.0/29', () => {
    for (const value of ['no', '0', 'default', '-1']) expect(networkManagerClats([wlan0(value)], desktop), value).toEqual([]);
    const withClatAddress = desktop.map((link) => (link.ifname === 'wlan0' ? { ...link, addr_info: [...(link.addr_info ?? []), inet('192.0.0.5')] } : link));
    expect(networkManagerClats([wlan0('-1')], withClatAddress).map((f) => f.name)).toEqual([`NetworkManager's CLAT on wlan0 (connection "Home Wi-Fi", ipv4.clat -1)`]);
  });
});
