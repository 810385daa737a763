// clatter(1): the manual page, made from the same help texts `clatter --help` and
// `clatter <command> --help` print, so the two never disagree. The package build
// (scripts/build-deb.sh) writes it with `node dist/core/cli/man-page.js > clatter.1`.

import { pathToFileURL } from 'node:url';
import type { Command } from './command.js';
import { commands } from './main.js';
import { findPackageRoot } from '../install/package-root.js';

/** One help text as roff: kept as it is laid out (no fill), with roff's special characters escaped. */
function verbatim(text: string): string {
  const lines = text.trimEnd().split('\n').map((line) => {
    // groff_man(7): a backslash is written \e; a line starting with . or ' would be a request; a
    // hyphen-minus in options is \- so that it copies and searches as one.
    const escaped = line.replaceAll('\\', '\\e').replaceAll('-', '\\-');
    return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
  });
  return ['.PP', '.nf', ...lines, '.fi'].join('\n');
}

export function manPage(list: readonly Command[], version: string): string {
  const sections = list.map((command) => [`.SS ${command.name}`, command.summary.replaceAll('-', '\\-'), verbatim(command.help)].join('\n'));
  return [
    `.TH CLATTER 1 "" "clatter ${version}" "User Commands"`,
    '.SH NAME',
    'clatter \\- a 464XLAT CLAT (RFC 6877) for Linux, with a live monitor',
    '.SH SYNOPSIS',
    '.B clatter',
    '.I command',
    '.RI [ options ]',
    '.br',
    '.B clatter \\-\\-help',
    '|',
    '.B \\-\\-version',
    '.SH DESCRIPTION',
    'Clatter gives an IPv6\\-only host IPv4: the privileged engine',
    '.RB ( "clatter engine" ,',
    'run as the clatter service) owns a TUN device, translates IPv4 packets to IPv6 (RFC 7915) for',
    "the network's NAT64 and back, and is driven and watched by the other commands over its control",
    'socket, which root and members of the',
    '.B clatter',
    'group may use.',
    '.SH COMMANDS',
    ...sections,
    '.SH FILES',
    '.TP',
    '.I /run/clatter/engine.sock',
    "the engine's control socket (root:clatter, mode 0660)",
    '.TP',
    '.I /var/lib/clatter',
    'the undo journal of host changes and the secret of the stable CLAT address',
    '.SH SEE ALSO',
    '.BR ip (8),',
    '.BR nft (8)',
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(manPage(commands, findPackageRoot().version));
}
