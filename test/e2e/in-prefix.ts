// Whether an IPv6 address lies in a prefix ("2001:db8:1:4::/64"): which network a CLAT address
// belongs to, in the tests that move the CLAT between networks.

import { BlockList } from 'node:net';

export function inPrefix(address: string, prefix: string): boolean {
  const list = new BlockList();
  const [network, length] = prefix.split('/');
  list.addSubnet(network, Number(length), 'ipv6');
  return list.check(address, 'ipv6');
}
