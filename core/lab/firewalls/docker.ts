// What Docker 27 leaves in the host's firewall (iptables with its nft backend, as Debian's iptables
// package uses by default), with its default `ip6tables=true` and the default bridge docker0
// (172.17.0.0/16, IPv4 only). Read from libnetwork (drivers/bridge/setup_ip_tables.go,
// iptables/iptables.go) and `iptables -S` of such hosts; Docker itself is not needed to make them:
// - IPv6: at start, `ip6tables -P FORWARD DROP` always, even with no IPv6 network; the chains
//   DOCKER, DOCKER-ISOLATION-STAGE-1/2 and DOCKER-USER, jumped to from FORWARD.
// - IPv4: ip_forward switched on, and with it `iptables -P FORWARD DROP`; the same chains plus
//   docker0's accept rules and its masquerade.
// A restart of the daemon (reload) sets the policies again and moves the jump to DOCKER-USER back to
// the top of FORWARD (ensureJumpRule), above whatever was inserted there since.

import { deleteTables, keepSysctls, once, type FirewallLab, type LabFirewall, type LoadedFirewall } from './firewall.js';

const ipv4Rules = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:FORWARD DROP [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
`;

const ipv6Rules = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER
COMMIT
*filter
:FORWARD DROP [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
`;

/** The daemon's restart, per family: policy again, its two FORWARD jumps back on top (DOCKER-USER first). */
const restartScript = ['iptables-nft', 'ip6tables-nft']
  .map((tool) =>
    [
      `${tool} -P FORWARD DROP`,
      `${tool} -D FORWARD -j DOCKER-ISOLATION-STAGE-1`,
      `${tool} -I FORWARD -j DOCKER-ISOLATION-STAGE-1`,
      `${tool} -D FORWARD -j DOCKER-USER`,
      `${tool} -I FORWARD -j DOCKER-USER`,
    ].join(' && '),
  )
  .join(' && ');

const ipForward = 'net.ipv4.ip_forward';

export const docker: LabFirewall = {
  name: 'docker',
  description: "Docker 27's iptables-nft rules: FORWARD policy DROP for IPv6 and IPv4, its chains and docker0's rules",
  drops: 'forward',
  async load(lab: FirewallLab): Promise<LoadedFirewall> {
    const restoreSysctls = await keepSysctls(lab, [ipForward]);
    // Docker switches IPv4 forwarding on for its bridges, and only then sets the DROP policy.
    await lab.exec('host', ['sysctl', '-q', '-w', `${ipForward}=1`]);
    // --noflush: Docker adds to the tables as it finds them, it does not replace them.
    await lab.exec('host', ['iptables-nft-restore', '--noflush'], { input: ipv4Rules });
    await lab.exec('host', ['ip6tables-nft-restore', '--noflush'], { input: ipv6Rules });
    return {
      reload: async () => {
        await lab.exec('host', ['sh', '-c', restartScript]);
      },
      remove: once(async () => {
        await deleteTables(lab, [
          { family: 'ip', name: 'filter' },
          { family: 'ip', name: 'nat' },
          { family: 'ip6', name: 'filter' },
          { family: 'ip6', name: 'nat' },
        ]);
        await restoreSysctls();
      }),
    };
  },
};
