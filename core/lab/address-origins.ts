// Who made each IPv6 address of the lab's host: the kernel (from an RA: SLAAC, RFC 4862; or its own
// link-local or loopback address) or a program (NetworkManager, the CLAT). The kernel tags its own
// addresses with IFA_PROTO (Linux 6.3+), which iproute2 6.1 does not print, so a small Python
// script dumps the addresses over rtnetlink (RTM_GETADDR) inside the namespace and prints them.

import type { LabContext } from './lab-context.js';
import { python3 } from './required-packages.js';

/** linux/if_addr.h IFAPROT_*: 0 means a program added it (or an older kernel did not say). */
export const addressProtocols = ['unspec', 'kernel_lo', 'kernel_ra', 'kernel_ll'] as const;
export type AddressProtocol = (typeof addressProtocols)[number] | `proto ${number}`;

export interface AddressOrigin {
  readonly ifname: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly protocol: AddressProtocol;
}

const script = String.raw`
import json, socket, struct
RTM_NEWADDR, RTM_GETADDR = 20, 22
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFA_ADDRESS, IFA_PROTO = 1, 11
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
# nlmsghdr + ifaddrmsg (family AF_INET6, the rest 0)
sock.sendto(struct.pack('=IHHII', 24, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + struct.pack('=BBBBI', socket.AF_INET6, 0, 0, 0, 0), (0, 0))
names = dict(socket.if_nameindex())
found = []
done = False
while not done:
    data = sock.recv(1 << 16)
    at = 0
    while at + 16 <= len(data):
        length, kind = struct.unpack_from('=IH', data, at)
        if kind == NLMSG_DONE:
            done = True
            break
        if kind == NLMSG_ERROR:
            raise SystemExit('RTM_GETADDR failed')
        if kind == RTM_NEWADDR:
            family, prefixlen, flags, scope, index = struct.unpack_from('=BBBBI', data, at + 16)
            attrs = {}
            a = at + 24
            while a + 4 <= at + length:
                alen, atype = struct.unpack_from('=HH', data, a)
                if alen < 4:
                    break
                attrs[atype & 0x3fff] = data[a + 4:a + alen]
                a += (alen + 3) & ~3
            found.append({'ifname': names.get(index, str(index)), 'address': socket.inet_ntop(socket.AF_INET6, attrs[IFA_ADDRESS]),
                          'prefixLength': prefixlen, 'protocol': attrs[IFA_PROTO][0] if IFA_PROTO in attrs else 0})
        at += (length + 3) & ~3
print(json.dumps(found))
`;

/** Every IPv6 address in the host namespace with who made it. */
export async function hostIpv6AddressOrigins(ctx: LabContext): Promise<AddressOrigin[]> {
  const { stdout } = await ctx.run('host', [python3, '-c', script]);
  const raw = JSON.parse(stdout) as { ifname: string; address: string; prefixLength: number; protocol: number }[];
  return raw.map((entry) => ({ ...entry, protocol: addressProtocols[entry.protocol] ?? `proto ${entry.protocol}` }));
}
