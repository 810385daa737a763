// `clatter down [--socket PATH]`: turn the CLAT off and undo every change it made to the host.

import { clientCommand, clientOptionsHelp } from './engine-call.js';

export const downCommand = clientCommand({
  name: 'down',
  summary: 'turn the CLAT off and restore the host network',
  help: `Usage: clatter down [--socket PATH] [--json]

Turns the CLAT off: stops translating and puts the host's network back exactly as it was.

${clientOptionsHelp}`,
  options: {},
  method: 'down',
  params: () => ({}),
});
