// `clatter translate`: runs a capture file through the translator offline and writes what comes
// out as pcapng, so a translation can be inspected in Wireshark next to its input. Every failure
// is one line on stderr; the output file appears whole or not at all (written to a temporary file
// beside it, then renamed).

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import { readCapture, type Capture } from '../capture/read-capture.js';
import { parseSiitConfig, type SiitConfig } from '../xlat/config.js';
import { Translator } from '../xlat/translator.js';
import { verdictDescription } from '../xlat/verdict.js';
import { defineCommand, describeSystemError, ExitCode, type CommandContext } from './command.js';
import { ipv4SideName, ipv6SideName, translateCapture, type PacketTranslator, type TranslationReport } from './translate-capture.js';
import type { Explanation } from '../api/explanation.js';
import { read16 } from '../wire/bytes.js';
import { explainTranslation } from '../xlat/explain.js';
import type { XlatOutput } from '../xlat/output.js';
import { explainedPairLines } from './explain-command.js';
import { explanationLines } from './explanation-text.js';
import { writeFileAtomically } from './write-file-atomically.js';

const options = {
  config: { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
} as const;

const help = `Usage: clatter translate --config <siit.json> --in <capture> --out <file.pcapng> [--json] [--explain]

Runs every IP packet of a capture through the SIIT translator (RFC 7915), as the CLAT would:
IPv4 packets enter on the IPv4 side, IPv6 packets on the IPv6 side.

  --config <file>  translator configuration (JSON: pool6, eamt, selfIpv4, selfIpv6, …)
  --in <file>      pcap or pcapng; Ethernet (VLAN tags too), raw IP, or Linux cooked
                   (tcpdump -i any) link types
  --out <file>     pcapng to write: interfaces "${ipv4SideName}" and "${ipv6SideName}", each output packet
                   on the side it leaves by, with its input's timestamp and a comment naming
                   the input packet
  --json           also print a report on stdout: each input packet's verdict and outputs,
                   and the totals
  --explain        explain every packet on stdout: what the translator did to each header
                   field and by which rule, one line per field (as \`clatter explain\` does);
                   with --json, each packet's report gets an "explanation" field instead
  -h, --help       show this help

A summary goes to stderr. Exit status: 0 done (even if packets were dropped), 1 the config,
the capture or the output file was unusable, 2 the command line was wrong.
`;

export const translateCommand = defineCommand({
  name: 'translate',
  summary: 'translate a capture file offline and write the result as pcapng',
  help,
  options,
  run: runTranslate,
});

async function runTranslate({ values, io, fail }: CommandContext<typeof options>): Promise<number> {
  const missing = (['config', 'in', 'out'] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    return fail(`missing ${missing.map((name) => `--${name}`).join(', ')} (see clatter translate --help)`, ExitCode.usage);
  }
  const configPath = values.config as string;
  const inPath = values.in as string;
  const outPath = values.out as string;
  if (resolve(outPath) === resolve(inPath)) return fail('--out is the same file as --in; it would overwrite the capture', ExitCode.usage);

  const config = await loadConfig(configPath);
  if (!config.ok) return fail(config.error);
  const capture = await loadCapture(inPath);
  if (!capture.ok) return fail(capture.error);

  const writer = new PcapngWriter();
  const translator = new IdentificationsSeen(new Translator(config.config));
  const report = translateCapture(capture.capture, translator, writer);
  const written = await writeFileAtomically(outPath, writer.take());
  if (!written.ok) return fail(`cannot write ${outPath}: ${written.error}`);

  io.stderr(summary(inPath, outPath, capture.capture, report));
  const explanations = values.explain
    ? capture.capture.packets.map((packet, i) => explainTranslation(config.config, packet.data, { pairId: packet.index, nextIpv4Id: translator.ids[i] }).explanation)
    : undefined;
  if (values.json) {
    io.stdout(`${JSON.stringify(jsonReport(inPath, outPath, capture.capture, report, explanations), null, 2)}\n`);
  } else if (explanations !== undefined) {
    for (const explanation of explanations) io.stdout(`${[...explainedPairLines(explanation), ...explanationLines(explanation)].join('\n')}\n`);
  }
  return ExitCode.ok;
}

/**
 * The translator, remembering the Identification its IPv4 counter gave each packet's first
 * output (RFC 7915 §5.1): an explanation re-runs the translator afresh and takes the counter's
 * value from here, so it explains the very packet written to the file.
 */
class IdentificationsSeen implements PacketTranslator {
  readonly ids: (number | undefined)[] = [];
  constructor(private readonly translator: Translator) {}

  translate(packet: Uint8Array, out: XlatOutput): number {
    const verdict = this.translator.translate(packet, out);
    const ipv4 = out.count > 0 && out.family[0] === 4 && out.generated[0] === 0;
    this.ids.push(ipv4 ? read16(out.buffer, out.start[0] + 4) : undefined);
    return verdict;
  }
}

type Loaded<T> = ({ ok: true } & T) | { ok: false; error: string };

async function loadConfig(path: string): Promise<Loaded<{ config: SiitConfig }>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, error: `cannot read config ${path}: ${describeSystemError(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text); // editors on Windows add a BOM
  } catch (error) {
    return { ok: false, error: `config ${path} is not valid JSON: ${describeSystemError(error)}` };
  }
  const result = parseSiitConfig(json);
  return result.ok ? result : { ok: false, error: `config ${path}: ${result.error}` };
}

async function loadCapture(path: string): Promise<Loaded<{ capture: Capture }>> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    // A plain Uint8Array view: the capture code is standard-only and need not meet a Buffer.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    return { ok: false, error: `cannot read capture ${path}: ${describeSystemError(error)}` };
  }
  const result = readCapture(bytes);
  return result.ok ? result : { ok: false, error: `${path}: ${result.error}` };
}

const maxDamageLines = 10;

function summary(inPath: string, outPath: string, capture: Capture, report: TranslationReport): string {
  const lines = [`clatter translate: ${inPath} (${capture.format}, ${capture.records} packet records) → ${outPath}`];
  const labelWidth = Math.max(22, ...[...report.verdicts.keys()].map((name) => name.length + 6));
  const row = (label: string, count: number, note = '') => {
    lines.push(`${label.padEnd(labelWidth)}${String(count).padStart(7)}${note === '' ? '' : `  ${note}`}`);
  };
  row('  packets read', capture.packets.length, 'IP packets handed to the translator');
  row('  translated', report.translated);
  row('  not translated', capture.packets.length - report.translated);
  for (const [name, { verdict, count }] of report.verdicts) {
    if (name !== 'translated') row(`    ${name}`, count, verdictDescription(verdict));
  }
  const { ipv4, ipv6, generated } = report.outputs;
  row('  outputs written', ipv4 + ipv6, `${ipv4} on ${ipv4SideName}, ${ipv6} on ${ipv6SideName}; ${generated} of them ICMP errors generated`);
  if (capture.notIp > 0) row('  skipped, not IP', capture.notIp);
  if (capture.unsupportedLinkType > 0) row('  skipped, link type', capture.unsupportedLinkType, 'on interfaces of a link type Clatter does not read');
  row('  skipped, damaged', capture.damaged.length);
  for (const damage of capture.damaged.slice(0, maxDamageLines)) {
    const where = damage.index === null ? `at byte ${damage.offset}` : `#${damage.index} at byte ${damage.offset}`;
    lines.push(`    ${where}: ${damage.description}`);
  }
  if (capture.damaged.length > maxDamageLines) lines.push(`    … and ${capture.damaged.length - maxDamageLines} more`);
  return `${lines.join('\n')}\n`;
}

function jsonReport(inPath: string, outPath: string, capture: Capture, report: TranslationReport, explanations?: readonly Explanation[]) {
  const { ipv4, ipv6, generated } = report.outputs;
  return {
    input: { path: inPath, format: capture.format, records: capture.records },
    output: { path: outPath, interfaces: [ipv4SideName, ipv6SideName] },
    packets: explanations === undefined ? report.packets : report.packets.map((packet, i) => ({ ...packet, explanation: explanations[i] })),
    damaged: capture.damaged,
    totals: {
      read: capture.packets.length,
      translated: report.translated,
      notTranslated: capture.packets.length - report.translated,
      outputs: ipv4 + ipv6,
      outputsIpv4: ipv4,
      outputsIpv6: ipv6,
      generated,
      notIp: capture.notIp,
      unsupportedLinkType: capture.unsupportedLinkType,
      damaged: capture.damaged.length,
      verdicts: Object.fromEntries([...report.verdicts].map(([name, { count }]) => [name, count])),
    },
  };
}
