// The IPv4 side of a default ufw, alone: INPUT policy DROP, accepting loopback and what belongs to a
// connection the host opened (conntrack ESTABLISHED, RELATED), made with iptables' nft backend as
// ufw does. Replies the CLAT hands the host arrive on the TUN as IPv4 input: they must match the
// connections the host's own packets opened through it, and nothing unasked may come in.
// Loaded as iptables-persistent loads /etc/iptables/rules.v4, at boot and on `netfilter-persistent
// reload`: `iptables-restore`, which replaces the whole filter table it names.

import { deleteTables, once, type FirewallLab, type LabFirewall, type LoadedFirewall } from './firewall.js';

const rules = `*filter
:INPUT DROP [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
`;

export const ipv4InputEstablished: LabFirewall = {
  name: 'ipv4-input-established',
  description: 'iptables-nft INPUT policy DROP for IPv4, accepting loopback and established/related',
  drops: 'input',
  async load(lab: FirewallLab): Promise<LoadedFirewall> {
    const apply = () => lab.exec('host', ['iptables-nft-restore'], { input: rules });
    await apply();
    return {
      reload: async () => {
        await apply();
      },
      remove: once(() => deleteTables(lab, [{ family: 'ip', name: 'filter' }])),
    };
  },
};
