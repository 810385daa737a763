// The uplink's resolvers as the host's network software knows them (../link-resolvers.ts says why
// and in which order): NetworkManager through nmcli, systemd-resolved through resolvectl, both asked
// at once with a short timeout. Either may be missing or not running: that is no error, only no
// answer from it. Never rejects.

import { interfaceName } from '../../host/host-inspect.js';
import { runCommand, type CommandResult } from '../../host/run-command.js';
import { parseNmcliDns, parseResolvectlDns, type LinkResolverReport } from '../link-resolvers.js';

/** Runs a tool (`file args`); a test may pass another runner. */
export type ToolRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

/** The tools answer from memory over D-Bus; a slow one must not hold discovery up. */
const toolTimeoutMs = 2_000;

const runTool: ToolRunner = (file, args) => runCommand(file, args, toolTimeoutMs);

/** What NetworkManager and systemd-resolved know of interface `ifindex`'s resolvers, in that order; those without an answer left out. */
export type LinkResolverLookup = (ifindex: number) => Promise<LinkResolverReport[]>;

export function linkResolverLookup(run: ToolRunner = runTool, nameOf: (ifindex: number) => string | null = interfaceName): LinkResolverLookup {
  return async (ifindex) => {
    const name = nameOf(ifindex);
    if (name === null) return [];
    const [networkManager, resolved] = await Promise.all([run('nmcli', ['-g', 'IP6.DNS', 'device', 'show', name]), run('resolvectl', ['dns', name])]);
    const reports: LinkResolverReport[] = [];
    if (networkManager.ok) reports.push({ source: 'network-manager', addresses: parseNmcliDns(networkManager.stdout) });
    if (resolved.ok) reports.push({ source: 'resolved', addresses: parseResolvectlDns(resolved.stdout) });
    return reports;
  };
}
