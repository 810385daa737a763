// A hand-written host firewall as /etc/nftables.conf holds it on a desktop that keeps its own: one
// `inet` table, input and forward chains with policy drop, output open. It starts with `flush
// ruleset`, as Debian's shipped /etc/nftables.conf does, so loading it (nftables.service start, or
// `systemctl reload nftables`: `nft -f /etc/nftables.conf` again) replaces every table of the
// namespace, whoever made it.
//
// Input keeps what a host needs to stay on an IPv6 network: loopback, replies (conntrack), and the
// ICMPv6 of neighbour discovery and router advertisements (RFC 4861; without them SLAAC and the
// default route go), plus the ICMPv6 errors path MTU discovery needs (RFC 4890 §4.4.1).

import { deleteTables, once, type FirewallLab, type LabFirewall, type LoadedFirewall } from './firewall.js';

export const nftInetRuleset = `flush ruleset

table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept
    ct state established,related accept
    ct state invalid drop
    icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept
    icmp type { destination-unreachable, time-exceeded, parameter-problem } accept
  }

  chain forward {
    type filter hook forward priority filter; policy drop;
  }

  chain output {
    type filter hook output priority filter; policy accept;
  }
}
`;

export const nftInetForwardDrop: LabFirewall = {
  name: 'nft-inet-forward-drop',
  description: 'a hand-written nftables inet table (flush ruleset first): input and forward policy drop',
  drops: 'forward',
  async load(lab: FirewallLab): Promise<LoadedFirewall> {
    const apply = () => lab.exec('host', ['nft', '-f', '-'], { input: nftInetRuleset });
    await apply();
    return {
      reload: async () => {
        await apply();
      },
      remove: once(() => deleteTables(lab, [{ family: 'inet', name: 'filter' }])),
    };
  },
};
