// Sends Router Solicitations (core/discovery/router-solicitation.ts builds them) through the addon's
// raw IPv6 socket, which takes the whole packet from us (hop limit 255, source ::) and is bound to
// the interface, so that the link-scoped destination ff02::2 leaves by that link. A socket per
// solicitation: a CLAT sends three at most when it starts, and the interface may change between them.

import type { SendRouterSolicitation } from '../discovery/node/router-solicitations.js';
import { routerSolicitationPacket } from '../discovery/router-solicitation.js';
import { interfaceName } from '../host/host-inspect.js';
import type { NativeAddon } from '../tun/native-addon.js';

export function routerSolicitationSender(addon: NativeAddon): SendRouterSolicitation {
  const packet = routerSolicitationPacket();
  return (ifindex) => {
    const name = interfaceName(ifindex);
    if (name === null) return `no interface with index ${ifindex}`;
    const fd = addon.rawIp6SendOpen(name);
    if (fd < 0) return `cannot open a raw IPv6 socket on ${name} (errno ${-fd})`;
    try {
      const sent = addon.sendTo6(fd, packet);
      return sent < 0 ? `sending on ${name} failed (errno ${-sent})` : null;
    } finally {
      addon.close(fd);
    }
  };
}
