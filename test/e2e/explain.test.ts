// Issue 14 in the lab: the real engine explains the pairs it recorded. A ping's request pair says
// TTL → Hop Limit (decremented, RFC 7915 §4.1), Protocol 1 → Next Header 58, type 8 → 128 and
// the server's address embedded in bytes 12–15 under the /96; a traceroute hop's ICMPv6 error
// comes with its quoted packet explained; a fragmented ping, which RFC 7915 does not translate, is
// a pair with its refusal; and a pair that has left the ring is said to have left. With the default
// delivery (ingress), with force-forwarding (whose translator decrements the TTL itself), and
// with worker threads translating.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../core/api/explanation.js';
import type { TraceBatchJson } from '../../core/api/messages.js';
import type { TracePairJson } from '../../core/api/trace-wire.js';
import { EngineClient } from '../../core/client/engine-client.js';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { asRunning, clatterBin, EngineProcess, engineDir, runningWith, tearDown } from './engine-process.js';

const isRoot = process.getuid?.() === 0;
const server = '203.0.113.10';

const setups: { readonly delivery?: 'force-forwarding'; readonly workers?: number; readonly label: string }[] = [
  { label: 'default delivery (ingress)' },
  { delivery: 'force-forwarding', label: 'force-forwarding delivery' },
  { workers: 2, label: 'two worker threads (pairs reach the ring through the observation rings)' },
];

describe.skipIf(!isRoot).each(setups)('clatter explain against the engine, $label', (setup) => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;
  let client: EngineClient | undefined;
  let clatIpv6 = '';
  let delivery = '';
  const batches: TraceBatchJson[] = [];
  const pairs = (): TracePairJson[] => batches.flatMap((batch) => batch.pairs);

  beforeAll(async () => {
    lab = await createLab();
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir, ...(setup.delivery === undefined ? {} : { delivery: setup.delivery }), ...(setup.workers === undefined ? {} : { workers: setup.workers }) });
    await engine.up();
    const running = asRunning(await engine.waitForStatus(runningWith('2001:db8:64::/96', 'ra'), 'running with the PREF64 prefix', 15_000));
    clatIpv6 = running.clatIpv6;
    delivery = running.delivery;
    const connected = await EngineClient.connect(engine.socket, (event) => {
      if (event.event === 'trace') batches.push(event);
    });
    if (!connected.ok) throw new Error(connected.error);
    client = connected.client;
    expect((await client.call('trace', { perSecond: 100_000 })).ok).toBe(true);
    await lab.exec('host', ['ping', '-n', '-c', '1', '-w', '10', server], { timeoutMs: 15_000 });
    // Fragmented by the host (the route MTU is far below 3000): RFC 7915 §1.2 leaves it untranslated.
    await lab.exec('host', ['ping', '-n', '-c', '1', '-w', '2', '-s', '3000', server], { timeoutMs: 10_000, check: false });
    await lab.exec('host', ['traceroute', '-n', '-q', '1', '-w', '2', '-m', '4', server], { timeoutMs: 60_000, check: false });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the trace stream catches up
  }, 150_000);

  afterAll(async () => {
    client?.close();
    await tearDown(engine, lab, dir);
  }, 60_000);

  async function explainJson(id: number): Promise<Explanation> {
    const result = await engine!.cli(['explain', '--json', String(id)]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Explanation;
  }

  it('explains a ping\'s request: TTL → Hop Limit, Protocol → Next Header, type 8 → 128, the embedded address', async () => {
    const request = pairs().find((pair) => pair.direction === 46 && pair.verdict === 'translated' && pair.input.length === 84);
    expect(request, 'the echo request pair').toBeDefined();
    const text = await engine!.cli(['explain', `#${request!.id}`]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^#${request!.id} v4 192\\.0\\.0\\.1 > 203\\.0\\.113\\.10: ICMP echo request`, 'm'));
    // Ingress delivery (the lab's default) leaves the decrement to nftables' fwd after the translator.
    if (delivery === 'ingress') {
      expect(text.stdout).toMatch(/^ {2}Time to Live 64 → Hop Limit 64 +copied +RFC 7915 §4\.1 {2}\(copied; the next hop \(nftables fwd of ingress delivery\) decrements it\)$/m);
    } else {
      expect(text.stdout).toMatch(/^ {2}Time to Live 64 → Hop Limit 63 +decremented +RFC 7915 §4\.1 {2}\(the translator is a router and decrements\)$/m);
    }
    expect(text.stdout).toMatch(/^ {2}Protocol 1 → Next Header 58 +mapped +RFC 7915 §4\.1 {2}\(ICMP becomes ICMPv6\)$/m);
    expect(text.stdout).toMatch(/^ {2}Type 8 → 128 +mapped +RFC 7915 §4\.2$/m);
    expect(text.stdout).toMatch(/^ {2}Destination Address 203\.0\.113\.10 → 2001:db8:64::cb00:710a \(IPv4 in bytes 12–15\) +mapped +RFC 6052 §2\.2 /m);
    const explanation = await explainJson(request!.id);
    expect(explanation).toMatchObject({ pairId: request!.id, direction: 46, verdict: 'translated', mismatch: null, refusal: null });
    const source = explanation.steps.find((s) => s.to?.header === 'ipv6' && s.to.name === 'Source Address');
    expect(source).toMatchObject({ action: 'mapped', from: { value: '192.0.0.1' }, to: { value: clatIpv6 } });
    expect(source?.cite).toContain('RFC 7757');
  });

  it('explains the reply coming back, with the Identification the engine gave it', async () => {
    const reply = pairs().find((pair) => pair.direction === 64 && pair.verdict === 'translated' && pair.output?.length === 84);
    const explanation = await explainJson(reply!.id);
    expect(explanation.mismatch).toBeNull();
    expect(explanation.steps.find((s) => s.to?.name === 'Type' && s.to.header === 'icmp')).toMatchObject({ from: { value: '129' }, to: { value: '0' } });
  });

  it('explains a fragmented ping as refused, with its rule and field', async () => {
    const fragment = pairs().find((pair) => pair.verdict === 'fragmentedIcmp');
    expect(fragment, 'a fragmentedIcmp pair in the ring').toBeDefined();
    const text = await engine!.cli(['explain', String(fragment!.id)]);
    expect(text.stdout).toMatch(/^ {2}not translated \(fragmentedIcmp\): Flags MF: a fragmented ICMP message cannot be translated/m);
    const explanation = await explainJson(fragment!.id);
    expect(explanation.refusal).toMatchObject({ action: 'checked', from: { header: 'ipv4', name: 'Flags', value: 'MF' }, cite: 'RFC 7915 §1.2, §4.2' });
    expect(explanation.outputs).toEqual([]);
  });

  it('explains a traceroute hop\'s ICMPv6 error and the packet it quotes', async () => {
    const hop = pairs().find((pair) => pair.direction === 64 && pair.verdict === 'translated' && pair.output !== null && pair.input.length > 100
      && Buffer.from(pair.output.bytes, 'base64')[20] === 11);
    expect(hop, 'a Time Exceeded pair').toBeDefined();
    const explanation = await explainJson(hop!.id);
    expect(explanation.mismatch).toBeNull();
    expect(explanation.steps.find((s) => s.to?.header === 'icmp' && s.to.name === 'Type' && s.to.depth === 0)).toMatchObject({ from: { value: '3' }, to: { value: '11' } });
    const quotedDestination = explanation.steps.find((s) => s.to?.depth === 1 && s.to.name === 'Destination Address');
    expect(quotedDestination).toMatchObject({ action: 'mapped', from: { value: '2001:db8:64::cb00:710a' }, to: { value: server } });
    expect(explanation.steps.some((s) => s.to?.depth === 1 && s.to.header === 'udp' && s.to.name === 'Checksum')).toBe(true);
  });

  it('`clatter trace --explain` prints each pair\'s steps under it', async () => {
    const trace = lab.spawn('host', [process.execPath, clatterBin, 'trace', '--explain', '--socket', engine!.socket, '--filter', 'program=ping,proto=icmp', '--count', '1'], { name: 'clatter trace --explain' });
    // It subscribes once node has started, which takes a while on a busy machine: ping until it has
    // printed its pair (or 15 tries). Each ping sends a second echo 200 ms after the first, which
    // keeps its socket open until the engine has named the flow's program: `ping -c 1` exits a
    // millisecond after its request, and with worker threads its reply does not wait for the main
    // thread, so its socket was mostly gone before /proc was read and `program=ping` matched nothing.
    let exit: Awaited<typeof trace.exited> | null = null;
    for (let tries = 0; tries < 15 && exit === null; tries++) {
      await lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '5', server], { timeoutMs: 10_000 });
      exit = await Promise.race([trace.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))]);
    }
    if (exit === null) await trace.stop();
    expect(exit?.code, `clatter trace --explain did not finish; it printed:\n${trace.output}`).toBe(0);
    const lines = trace.output.trim().split('\n');
    expect(lines[0]).toMatch(/^#\d+ v4 192\.0\.0\.1 > 203\.0\.113\.10: ICMP echo request/);
    expect(lines[1]).toMatch(/^#\d+ v6 /);
    expect(lines.slice(2).every((line) => line.startsWith('    '))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}Protocol 1 → Next Header 58 +mapped +RFC 7915 §4\.1/));
    expect(lines.length).toBeGreaterThan(15);
  });

  it('explains a download\'s segments, saying so where the offload coalesced them', async () => {
    await lab.exec('host', ['curl', '--silent', '--output', '/dev/null', '--max-time', '20', `http://${server}/file`], { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const segments = pairs().filter((pair) => pair.direction === 64 && pair.verdict === 'translated' && pair.program?.name === 'curl');
    expect(segments.length).toBeGreaterThan(10);
    const largest = segments.reduce((a, b) => (b.input.length > a.input.length ? b : a));
    const explanation = await explainJson(largest.id);
    expect(explanation.verdict).toBe('translated');
    console.log(`largest download pair: ${largest.input.length} bytes in; mismatch: ${explanation.mismatch}`);
    if (largest.input.length > 1500) expect(explanation.mismatch).toMatch(/^a coalesced super-packet of \d+ bytes .*the checksum shown is not the one on the wire$/);
    else expect(explanation.mismatch).toBeNull();
    expect(explanation.steps.find((s) => s.to?.header === 'ipv4' && s.to.name === 'Destination Address')?.to?.value).toBe('192.0.0.1');
    const small = segments.find((pair) => pair.input.length <= 1500);
    if (small !== undefined) expect((await explainJson(small.id)).mismatch).toBeNull();
  });

  it('says plainly when a pair is not in the ring', async () => {
    const result = await engine!.cli(['explain', '999999']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^clatter explain: pair 999999 has not been recorded yet \(it holds pairs 1 to \d+\)\n$/);
  });
});
