// `clatter flows [--json] [--socket PATH]`: the CLAT's flow table, grouped by program.

import type { FlowInfo } from '../observe/flow-info.js';
import { programName } from '../observe/dependency-ledger.js';
import { defineCommand, ExitCode } from './command.js';
import { connectEngine } from './engine-session.js';
import { bytesText, protocolText } from './observe-text.js';

const options = { socket: { type: 'string' }, json: { type: 'boolean' } } as const;

const help = `Usage: clatter flows [--json] [--socket PATH]

The flows through the CLAT, grouped by the program that owns each socket: the IPv4 5-tuple the
program sees, its IPv6 twin on the uplink, packets and bytes each way, TCP state, the remote's
DNS name when a DNS answer named it, and when it was last active.

  --json           the flow table as JSON
  --socket PATH    the engine's control socket (default: $CLATTER_SOCKET or /run/clatter/engine.sock)
  -h, --help       show this help
`;

function flowLines(flow: FlowInfo, nowMs: number): string[] {
  const name = flow.remoteName === null ? '' : ` (${flow.remoteName})`;
  const state = flow.tcpState === null ? '' : `  ${flow.tcpState}`;
  return [
    `  ${protocolText(flow.protocol)} ${flow.v4.local}:${flow.v4.localPort} > ${flow.v4.remote}:${flow.v4.remotePort}${name}${state}`,
    `      twin [${flow.v6.local}]:${flow.v6.localPort} > [${flow.v6.remote}]:${flow.v6.remotePort}`,
    `      out ${flow.packets46} pkts ${bytesText(flow.bytes46)}, in ${flow.packets64} pkts ${bytesText(flow.bytes64)}, last ${Math.max(0, Math.round((nowMs - flow.lastSeenMs) / 1000))} s ago`,
  ];
}

export const flowsCommand = defineCommand({
  name: 'flows',
  summary: 'list the flows through the CLAT, grouped by program',
  help,
  options,
  async run({ values, io, fail }) {
    const client = await connectEngine('flows', values.socket, io);
    if (client === null) return ExitCode.failure;
    try {
      const answer = await client.call('flows', {});
      if (!answer.ok) return fail(answer.error.message, ExitCode.failure);
      const { flows, capacity, expired, evicted } = answer.result;
      if (values.json) {
        io.stdout(`${JSON.stringify(flows, null, 2)}\n`);
        return ExitCode.ok;
      }
      io.stdout(`${flows.length} flows (table holds ${capacity}; ${expired} expired, ${evicted} evicted since the engine started)\n`);
      if (flows.length === 0) {
        io.stdout('no flows through the CLAT\n');
        return ExitCode.ok;
      }
      const groups = new Map<string, FlowInfo[]>();
      for (const flow of flows) {
        const program = flow.program === null ? 'unknown program' : `${programName(flow.program.executable)} (pid ${flow.program.pid}, ${flow.program.user})`;
        groups.set(program, [...(groups.get(program) ?? []), flow]);
      }
      const nowMs = Date.now();
      for (const [program, list] of groups) io.stdout(`${program}\n${list.flatMap((flow) => flowLines(flow, nowMs)).join('\n')}\n`);
      return ExitCode.ok;
    } finally {
      client.close();
    }
  },
});
