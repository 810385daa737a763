import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../core/capture/pcapng-writer.js';
import { readCapture, type Capture } from '../../core/capture/read-capture.js';
import { runClatter } from './cli-fixture.js';
import { translateCapture, type PacketTranslator } from '../../core/cli/translate-capture.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Translator } from '../../core/xlat/translator.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { loadJoolCases, readPacket, toSiitConfig } from '../conformance/jool-corpus.js';
import { concat, epb, ethernet, idb, ipv4Udp, ipv6Udp, pcapFile, shb } from './capture-fixtures.js';
import { icmp4, ipv4, ipv6, udp } from './packet-builder.js';
import { tshark } from './tshark.js';

const root = mkdtempSync(join(tmpdir(), 'clatter-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let directory = '';
let case_ = 0;
beforeEach(() => {
  directory = join(root, `case-${++case_}`);
  mkdirSync(directory);
});

const siitConfig = { pool6: '64:ff9b::/96', selfIpv4: '192.0.0.1', selfIpv6: '2001:db8::1' };

function file(name: string, content: string | Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

const run = (...argv: string[]) => runClatter('translate', ...argv);

function readOutput(path: string): Capture {
  const result = readCapture(new Uint8Array(readFileSync(path)));
  if (!result.ok) throw new Error(result.error);
  return result.capture;
}

/** Interface name and comment of each packet, as Wireshark sees them. */
function tsharkFields(path: string): string[][] {
  const output = tshark(['-r', path, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_name', '-e', 'frame.comment']);
  return output.split('\n').filter((line) => line !== '').map((line) => line.split('|'));
}

const sampleCapture = () =>
  pcapFile({
    linkType: 1,
    records: [
      { seconds: 10, fraction: 1, data: ethernet(0x0800, ipv4Udp(8)) },
      { seconds: 10, fraction: 2, data: ethernet(0x0806, new Uint8Array(28)) },
      { seconds: 10, fraction: 3, data: ethernet(0x86dd, ipv6Udp(8)) },
      { seconds: 10, fraction: 4, data: new Uint8Array(6) },
      { seconds: 10, fraction: 5, data: ethernet(0x0800, ipv4Udp(1, 1)) },
    ],
  });

describe('clatter translate: the command line', () => {
  it('prints its help on stdout', async () => {
    const { code, stdout, stderr } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: clatter translate --config <siit.json> --in <capture> --out <file.pcapng> \[--json\]/);
    expect(stderr).toBe('');
  });

  it('names the missing flags, exit 2', async () => {
    expect(await run()).toEqual({ code: 2, stdout: '', stderr: 'clatter translate: missing --config, --in, --out (see clatter translate --help)\n' });
    expect((await run('--config', 'a.json', '--in', 'b.pcap')).stderr).toBe('clatter translate: missing --out (see clatter translate --help)\n');
  });

  it('rejects unknown flags and stray arguments, exit 2', async () => {
    expect(await run('--config', 'a', '--in', 'b', '--out', 'c', '--fast')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'clatter translate: unknown option --fast (see clatter translate --help)\n',
    });
    expect((await run('extra.pcap')).stderr).toBe("clatter translate: unexpected argument 'extra.pcap' (see clatter translate --help)\n");
  });

  it('refuses to write over its input', async () => {
    const input = file('in.pcap', sampleCapture());
    const { code, stderr } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', input, '--out', join(directory, '.', 'in.pcap'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--out is the same file as --in/);
    expect(readFileSync(input)).toEqual(Buffer.from(sampleCapture()));
  });
});

describe('clatter translate: bad config', () => {
  const expectFailure = async (config: string | undefined, pattern: RegExp) => {
    const configPath = config === undefined ? join(directory, 'missing.json') : file('siit.json', config);
    const out = join(directory, 'out.pcapng');
    const { code, stdout, stderr } = await run('--config', configPath, '--in', file('in.pcap', sampleCapture()), '--out', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(existsSync(out)).toBe(false);
  };

  it('a missing file', () => expectFailure(undefined, /^clatter translate: cannot read config .*missing\.json: no such file or directory\n$/));
  it('not JSON', () => expectFailure('{ "pool6": ', /^clatter translate: config .*siit\.json is not valid JSON: /));
  it('a field missing', () => expectFailure('{ "pool6": "64:ff9b::/96" }', /^clatter translate: config .*siit\.json: selfIpv4: is required/));
  it('a field wrong', () => expectFailure(JSON.stringify({ ...siitConfig, pool6: '64:ff9b::/95' }), /: pool6: prefix length \/95 is not one of/));
  it('an unknown field', () => expectFailure(JSON.stringify({ ...siitConfig, pool4: '1.2.3.4' }), /: pool4: is not a configuration field/));
});

describe('clatter translate: bad input', () => {
  const expectFailure = async (input: string, pattern: RegExp) => {
    const out = join(directory, 'out.pcapng');
    const { code, stdout, stderr } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', input, '--out', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.split('\n')).toHaveLength(2);
    expect(existsSync(out)).toBe(false);
  };

  it('a missing file', () => expectFailure(join(directory, 'nope.pcap'), /^clatter translate: cannot read capture .*nope\.pcap: no such file or directory\n$/));
  it('a directory', () => expectFailure(directory, /^clatter translate: cannot read capture .*: it is a directory\n$/));
  it('not a capture', () => expectFailure(file('notes.txt', 'hello, world\n'), /^clatter translate: .*notes\.txt: not a pcap or pcapng file \(it starts with 0x68656c6c\)\n$/));
  it('an empty file', () => expectFailure(file('empty.pcap', ''), /: empty file, not a capture\n$/));
  it('a truncated header', () => expectFailure(file('cut.pcap', sampleCapture().subarray(0, 20)), /: truncated pcap file header \(20 of 24 bytes\)\n$/));
  it('a truncated pcapng header', () => expectFailure(file('cut.pcapng', shb(true).subarray(0, 16)), /: truncated pcapng section header/));
  it('an unknown link type', () => expectFailure(file('wifi.pcap', pcapFile({ linkType: 127, records: [] })), /: link type 127 is not one Clatter reads/));
});

describe('clatter translate: writing the output', () => {
  it('leaves nothing behind when the output directory does not exist', async () => {
    const out = join(directory, 'no-such-dir', 'out.pcapng');
    const { code, stderr } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', file('in.pcap', sampleCapture()), '--out', out);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^clatter translate: cannot write .*out\.pcapng: no such file or directory\n$/);
    expect(readdirSync(directory).sort()).toEqual(['in.pcap', 'siit.json']);
  });

  it('replaces an existing output file whole, and leaves no temporary file', async () => {
    const out = file('out.pcapng', 'old contents');
    const { code } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', file('in.pcap', sampleCapture()), '--out', out);
    expect(code).toBe(0);
    expect(readOutput(out).format).toBe('pcapng');
    expect(readdirSync(directory).sort()).toEqual(['in.pcap', 'out.pcapng', 'siit.json']);
  });
});

describe('clatter translate: the report', () => {
  it('gives every input packet a verdict in --json, and sums it up on stderr', async () => {
    const out = join(directory, 'out.pcapng');
    const { code, stdout, stderr } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', file('in.pcap', sampleCapture()), '--out', out, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.input).toMatchObject({ format: 'pcap', records: 5 });
    expect(report.packets.map((p: { index: number }) => p.index)).toEqual([1, 3, 5]);
    expect(report.packets.map((p: { family: number }) => p.family)).toEqual([4, 6, 4]);
    for (const packet of report.packets) {
      expect(verdictNames).toContain(packet.verdict);
      for (const output of packet.outputs) {
        expect([4, 6]).toContain(output.family);
        expect(typeof output.generated).toBe('boolean');
        expect(output.length).toBeGreaterThan(0);
      }
    }
    const outputs = report.packets.flatMap((p: { outputs: unknown[] }) => p.outputs);
    expect(report.totals).toMatchObject({ read: 3, notIp: 1, damaged: 1, outputs: outputs.length });
    expect(report.totals.translated + report.totals.notTranslated).toBe(3);
    expect(Object.values(report.totals.verdicts).reduce((a, b) => (a as number) + (b as number), 0)).toBe(3);
    expect(report.damaged).toEqual([{ index: 4, offset: expect.any(Number), description: expect.stringMatching(/too short for its Ethernet header/) }]);
    // The output file holds exactly the outputs the report lists, in order.
    expect(readOutput(out).packets.map((p) => p.data.length)).toEqual(outputs.map((o: { length: number }) => o.length));

    expect(stderr).toMatch(/^clatter translate: .*in\.pcap \(pcap, 5 packet records\) → .*out\.pcapng\n/);
    expect(stderr).toMatch(/^ {2}packets read +3 /m);
    expect(stderr).toMatch(/^ {2}skipped, not IP +1$/m);
    expect(stderr).toMatch(/^ {2}skipped, damaged +1$/m);
    expect(stderr).toMatch(/^ {4}#4 at byte \d+: frame of 6 bytes is too short/m);
  });

  it('prints nothing on stdout without --json', async () => {
    const { code, stdout } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', file('in.pcap', sampleCapture()), '--out', join(directory, 'o.pcapng'));
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  it('reads pcapng input with several sections', async () => {
    const input = concat(shb(true), idb(true, 101), epb(true, 0, 1n, ipv4Udp()), shb(false), idb(false, 229), epb(false, 0, 2n, ipv6Udp()));
    const { code, stdout } = await run('--config', file('siit.json', JSON.stringify(siitConfig)), '--in', file('in.pcapng', input), '--out', join(directory, 'o.pcapng'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).packets.map((p: { index: number; family: number }) => [p.index, p.family])).toEqual([[1, 4], [2, 6]]);
  });
});

/** A stand-in translator with scripted outputs, so the loop can be checked whatever xlat does. */
class ScriptedTranslator implements PacketTranslator {
  translate(packet: Uint8Array, out: XlatOutput): number {
    out.count = 0;
    const put = (family: 4 | 6, bytes: Uint8Array, generated: boolean) => {
      const start = out.count === 0 ? 0 : out.start[out.count - 1] + out.length[out.count - 1];
      out.buffer.set(bytes, start);
      out.start[out.count] = start;
      out.length[out.count] = bytes.length;
      out.family[out.count] = family;
      out.generated[out.count] = generated ? 1 : 0;
      out.count++;
    };
    const version = packet[0] >> 4;
    if (version === 4 && packet[8] > 1) {
      put(6, ipv6Udp(10, 1), false); // two fragments
      put(6, ipv6Udp(20, 2), false);
      return Verdict.translated;
    }
    if (version === 4) {
      put(4, ipv4Udp(30, 64, 3), true); // Time Exceeded back to the IPv4 side
      return Verdict.ttlExpired;
    }
    if (version === 6) {
      put(4, ipv4Udp(40, 64, 4), false);
      return Verdict.translated;
    }
    return Verdict.badVersion;
  }
}

describe('translateCapture', () => {
  const inputs = [ipv4Udp(8, 64), ipv4Udp(8, 1), ipv6Udp(8), Uint8Array.of(0x10, 0, 0, 0)];
  const capture = (() => {
    const result = readCapture(pcapFile({ nanoseconds: true, records: inputs.map((data, i) => ({ seconds: 100, fraction: i, data })) }));
    if (!result.ok) throw new Error(result.error);
    return result.capture;
  })();

  it('writes every output on its side, with its input’s time and a comment naming the input', () => {
    const writer = new PcapngWriter();
    const report = translateCapture(capture, new ScriptedTranslator(), writer);
    expect(report.translated).toBe(2);
    expect(report.outputs).toEqual({ ipv4: 2, ipv6: 2, generated: 1 });
    expect([...report.verdicts].map(([name, { count }]) => [name, count])).toEqual([['translated', 2], ['badVersion', 1], ['ttlExpired', 1]]);
    expect(report.packets).toEqual([
      { index: 1, family: 4, verdict: 'translated', outputs: [{ family: 6, length: 58, generated: false }, { family: 6, length: 68, generated: false }] },
      { index: 2, family: 4, verdict: 'ttlExpired', outputs: [{ family: 4, length: 58, generated: true }] },
      { index: 3, family: 6, verdict: 'translated', outputs: [{ family: 4, length: 68, generated: false }] },
      { index: 4, family: null, verdict: 'badVersion', outputs: [] },
    ]);
    const bytes = writer.take();
    const written = readCapture(bytes);
    if (!written.ok) throw new Error(written.error);
    expect(written.capture.packets.map((p) => [p.timestampNs, p.data])).toEqual([
      [100_000_000_000n, ipv6Udp(10, 1)],
      [100_000_000_000n, ipv6Udp(20, 2)],
      [100_000_000_001n, ipv4Udp(30, 64, 3)],
      [100_000_000_002n, ipv4Udp(40, 64, 4)],
    ]);
    {
      const path = join(root, 'scripted.pcapng');
      writeFileSync(path, bytes);
      expect(tsharkFields(path)).toEqual([
        ['ipv6-side', 'from input packet #1 (translated, part 1 of 2)'],
        ['ipv6-side', 'from input packet #1 (translated, part 2 of 2)'],
        ['ipv4-side', 'ICMP error generated for input packet #2 (ttlExpired)'],
        ['ipv4-side', 'from input packet #3 (translated)'],
      ]);
    }
  });

  it('names the packet the translator threw on', () => {
    const throwing: PacketTranslator = {
      translate(packet) {
        if (packet[0] >> 4 === 6) throw new TypeError('boom');
        return Verdict.badVersion;
      },
    };
    expect(() => translateCapture(capture, throwing, new PcapngWriter())).toThrow('the translator threw on input packet #3: boom');
  });
});

// The Jool SIIT corpus (../shared/conformance): every packet it sends under its common
// configuration, in one capture, through the command. The file must hold exactly what the
// translator gives for each packet, on the right side.
const corpusCases = loadJoolCases();
const commonConfig = JSON.stringify(corpusCases[0].config);
const joolConfig = toSiitConfig(corpusCases[0].config);
const sends = [...new Set(corpusCases.filter((c) => JSON.stringify(c.config) === commonConfig).flatMap((c) => c.send))].map(readPacket);

/** What the translator itself gives for each packet: the reference for the file. */
function direct(config: unknown) {
  const parsed = parseSiitConfig(config);
  if (!parsed.ok) throw new Error(parsed.error);
  const translator = new Translator(parsed.config);
  const out = new XlatOutput();
  return sends.map((packet) => {
    const verdict = translator.translate(packet, out);
    const outputs = Array.from({ length: out.count }, (_, i) => ({ family: out.family[i], generated: out.generated[i] === 1, bytes: out.packet(i).slice() }));
    return { verdict: verdictNames[verdict], outputs };
  });
}

describe('clatter translate on the Jool corpus', () => {
  it('writes exactly the translator’s outputs, each on its side with its comment', async () => {
    const expected = direct(joolConfig);
    const input = file('jool.pcap', pcapFile({ linkType: 101, records: sends.map((data, i) => ({ seconds: 1000 + i, fraction: 0, data })) }));
    const out = join(directory, 'jool.pcapng');
    const { code, stdout } = await run('--config', file('siit.json', JSON.stringify(joolConfig)), '--in', input, '--out', out, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.packets).toHaveLength(sends.length);
    expect(report.packets.map((p: { verdict: string }) => p.verdict)).toEqual(expected.map((e) => e.verdict));
    const flat = expected.flatMap((e, i) => e.outputs.map((o) => ({ ...o, index: i + 1, verdict: e.verdict })));
    const written = readOutput(out);
    expect(written.packets.map((p) => p.data)).toEqual(flat.map((o) => o.bytes));
    expect(written.packets.map((p) => p.timestampNs)).toEqual(flat.map((o) => BigInt(1000 + o.index - 1) * 1_000_000_000n));
    if (flat.length > 0) {
      const fields = tsharkFields(out);
      expect(fields.map(([name]) => name)).toEqual(flat.map((o) => (o.family === 4 ? 'ipv4-side' : 'ipv6-side')));
      fields.forEach(([, comment], i) => {
        const o = flat[i];
        expect(comment).toMatch(o.generated ? `ICMP error generated for input packet #${o.index} (${o.verdict})` : `from input packet #${o.index} (${o.verdict}`);
      });
    }
  });
});

describe('clatter translate --explain', () => {
  const nat64 = { pool6: '2001:db8:64::/96', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8::1' };
  const translatable = () =>
    pcapFile({
      linkType: 1,
      records: [
        { seconds: 10, fraction: 1, data: ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '203.0.113.10' }, udp({ payload: new Uint8Array(8) }))) },
        { seconds: 10, fraction: 2, data: ethernet(0x0806, new Uint8Array(28)) },
        { seconds: 10, fraction: 3, data: ethernet(0x86dd, ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:64::c000:201' }, udp({ payload: new Uint8Array(8) }))) },
        { seconds: 10, fraction: 4, data: ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '203.0.113.10', mf: true }, icmp4({ type: 8, payload: new Uint8Array(8) }))) },
      ],
    });

  it('explains every packet, one line per field, under its pair', async () => {
    const out = join(directory, 'out.pcapng');
    const { code, stdout } = await run('--config', file('siit.json', JSON.stringify(nat64)), '--in', file('in.pcap', translatable()), '--out', out, '--explain');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    // Each of the three IP packets: its trace lines (#1, #3, #5), then its steps.
    expect(lines.filter((line) => /^#\d+ /.test(line)).map((line) => line.split(' ')[0])).toEqual(['#1', '#1', '#3', '#3', '#4']);
    expect(stdout).toMatch(/^ {2}Time to Live 64 → Hop Limit 63 +decremented +RFC 7915 §4\.1 {2}\(the translator is a router and decrements\)$/m);
    expect(stdout).toMatch(/^ {2}Protocol 17 → Next Header 17 +copied +RFC 7915 §4\.1$/m);
    expect(stdout).toMatch(/^ {2}Checksum 0x[0-9a-f]{4} → 0x[0-9a-f]{4} +updated +RFC 7915 §4\.5, RFC 1624 {2}\(updated for the new pseudo-header addresses, not re-summed\)$/m);
    expect(stdout).toMatch(/^ {2}Hop Limit 64 → Time to Live 63 +decremented +RFC 7915 §5\.1 /m);
    expect(stdout).toMatch(/^ {2}Destination Address 203\.0\.113\.10 → 2001:db8:64::cb00:710a \(IPv4 in bytes 12–15\) +mapped +RFC 6052 §2\.2 {2}\(the IPv4 address embedded under the NAT64 prefix \/96 \(bits 96–127\)\)$/m);
    expect(stdout).toMatch(/^ {2}not translated \(fragmentedIcmp\): Flags MF: a fragmented ICMP message cannot be translated/m);
  });

  it('puts each packet\'s explanation in the --json report', async () => {
    const out = join(directory, 'out.pcapng');
    const { code, stdout } = await run('--config', file('siit.json', JSON.stringify(nat64)), '--in', file('in.pcap', translatable()), '--out', out, '--explain', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.packets.map((p: { explanation: { pairId: number } }) => p.explanation.pairId)).toEqual([1, 3, 4]);
    expect(report.packets.map((p: { verdict: string }) => p.verdict)).toEqual(['translated', 'translated', 'fragmentedIcmp']);
    for (const packet of report.packets) {
      expect(packet.explanation.verdict).toBe(packet.verdict);
      expect(packet.explanation.outputs.length).toBe(packet.outputs.length);
      expect(packet.explanation.mismatch).toBeNull();
      if (packet.verdict === 'translated') expect(packet.explanation.steps.length).toBeGreaterThan(15);
    }
  });
});
