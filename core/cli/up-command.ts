// `clatter up [--uplink IF] [--prefix P] [--force] [--socket PATH]`: turn the CLAT on.

import { clientCommand, clientOptionsHelp } from './engine-call.js';

export const upCommand = clientCommand({
  name: 'up',
  summary: 'turn the CLAT on',
  help: `Usage: clatter up [--uplink IF] [--prefix PREFIX] [--force] [--socket PATH] [--json]

Turns the CLAT on: finds the NAT64 prefix (Router Advertisement PREF64, then DNS64, then
--prefix), sets up the CLAT interface and starts translating. Waits up to 10 s for it to run;
if no prefix is known by then it keeps looking and \`clatter status\` says so.

  --uplink IF      the IPv6 uplink (default: the interface of the IPv6 default route)
  --prefix PREFIX  a NAT64 prefix to use when the network announces none (e.g. 2001:db8:64::/96)
  --force          take the IPv4 default route even though the host has native IPv4
${clientOptionsHelp}`,
  options: { uplink: { type: 'string' }, prefix: { type: 'string' }, force: { type: 'boolean' } },
  method: 'up',
  params: (values) => ({
    ...(values.uplink !== undefined ? { uplink: values.uplink as string } : {}),
    ...(values.prefix !== undefined ? { prefix: values.prefix as string } : {}),
    ...(values.force ? { force: true } : {}),
  }),
});
