// `clatter version [--json]` (and `clatter --version`, main.ts): which Clatter this is, for bug
// reports and for checking an installed package: version, commit, Node and the addon's ABI.

import { readBuildInfo, type BuildInfo } from '../install/build-info.js';
import { defineCommand, ExitCode } from './command.js';

const options = {
  json: { type: 'boolean' },
} as const;

const help = `Usage: clatter version [--json]

Shows Clatter's version, the commit it was built from, the Node it runs on and the Node-API
version its native addon was built for (loading the addon, as the engine does).
\`clatter --version\` prints the version alone.

  --json           one JSON object instead of text
  -h, --help       show this help
`;

/** The one line of `clatter --version`. */
export function versionLine(info: Pick<BuildInfo, 'version'> = readBuildInfo()): string {
  return `clatter ${info.version}\n`;
}

export function versionText(info: BuildInfo): string {
  const addon = info.addon.ok ? `Node-API ${info.addon.napiVersion} (${info.addon.path})` : `${info.addon.error} (${info.addon.path})`;
  return [
    `clatter ${info.version}`,
    `commit   ${info.commit ?? 'unknown'}${info.commitSource === 'git' ? ' (source checkout)' : ''}`,
    `node     ${info.node.version} (modules ABI ${info.node.modulesAbi}, Node-API up to ${info.node.napiVersion})`,
    `addon    ${addon}`,
    '',
  ].join('\n');
}

export const versionCommand = defineCommand({
  name: 'version',
  summary: "show the version, commit and the native addon's ABI",
  help,
  options,
  async run({ values, io }) {
    const info = readBuildInfo();
    io.stdout(values.json ? `${JSON.stringify(info)}\n` : versionText(info));
    // A copy whose addon does not load cannot run the engine: say so in the exit code too.
    return info.addon.ok ? ExitCode.ok : ExitCode.failure;
  },
});
