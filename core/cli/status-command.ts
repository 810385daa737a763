// `clatter status [--json] [--socket PATH]`: what the engine's CLAT is doing.

import { clientCommand, clientOptionsHelp } from './engine-call.js';

export const statusCommand = clientCommand({
  name: 'status',
  summary: "show the CLAT's state, prefix, addresses and counters",
  help: `Usage: clatter status [--json] [--socket PATH]

Shows the CLAT's state (off, discovering, running, error with its cause), the uplink, the CLAT's
IPv4 and IPv6 addresses, the NAT64 prefix with its source and lifetime, the MTU and the counters.

${clientOptionsHelp}`,
  options: {},
  method: 'status',
  params: () => ({}),
});
