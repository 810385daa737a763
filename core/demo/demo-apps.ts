// The demo's IPv4-only "apps", each its own program so the flows, the traces and the report name
// it: a call (clatter-call, built with the addon: 50 UDP packets a second each way to an IPv4
// literal, as a VoIP app sends), a download (curl from an IPv4 literal, rate-limited so it lasts)
// and ping. Each spec says how to start it and how to read its output: every line either shows
// the app working, shows it failing (with the app's own words: "Network is unreachable"), or says
// nothing. Standard-only: the runner (demo-app-runner.ts) does the I/O.

import type { DemoAppName } from '../api/demo-apps.js';

export { demoAppNames, isDemoAppName, type DemoAppName } from '../api/demo-apps.js';

export interface DemoTarget {
  /** The IPv4-only server, as a literal. */
  readonly server: string;
  readonly udpEchoPort: number;
  readonly httpPort: number;
  readonly httpPath: string;
  /** build/Release/clatter-call. */
  readonly callBinary: string;
}

export type LineVerdict = { readonly ok: boolean; readonly detail: string } | null;

export interface DemoAppSpec {
  readonly name: DemoAppName;
  readonly title: string;
  /** What it stands for, for the screen. */
  readonly description: string;
  /** Its program name in the flows (the executable's file name). */
  readonly program: string;
  argv(target: DemoTarget): string[];
  /** Reads one line of its output (stdout or stderr). */
  readLine(line: string): LineVerdict;
  /** What its exit means (it is restarted after a pause while it should run). */
  readExit(code: number | null): LineVerdict;
}

const callLine = /^second \d+: sent (\d+) received (\d+)(?: rtt ([\d.]+) ms| error (.+))?$/;

const call: DemoAppSpec = {
  name: 'call',
  title: 'Voice call',
  description: 'UDP to an IPv4 literal, 50 packets a second each way, like a VoIP app',
  program: 'clatter-call',
  argv: (target) => [target.callBinary, target.server, String(target.udpEchoPort), '50', '160'],
  readLine(line) {
    const match = callLine.exec(line);
    if (match === null) return null;
    const received = Number(match[2]);
    if (match[4] !== undefined) return { ok: false, detail: match[4] };
    if (received === 0) return { ok: false, detail: `no answer (${match[1]} sent)` };
    return { ok: true, detail: `${received} packets/s back, ${Number(match[3]).toFixed(1)} ms round trip` };
  },
  readExit: (code) => ({ ok: false, detail: `exited (${code ?? 'signal'})` }),
};

/** curl's --write-out line, printed after every attempt, failed ones included (exit code first). */
const downloadDone = /^done (\d+) (\d+) ([\d.]+) ?(.*)$/;
const curlError = /^curl: \((\d+)\) (.+)$/;

const download: DemoAppSpec = {
  name: 'download',
  title: 'Download',
  description: 'HTTP from an IPv4 literal, over and over, rate-limited',
  program: 'curl',
  argv: (target) => [
    'curl', '--silent', '--show-error', '--output', '/dev/null', '--limit-rate', '2M',
    // A stalled transfer (the CLAT switched off mid-way) fails after 3 s instead of hanging.
    '--speed-limit', '1', '--speed-time', '3', '--connect-timeout', '3',
    '--write-out', 'done %{exitcode} %{size_download} %{speed_download} %{errormsg}\\n',
    `http://${target.server}:${target.httpPort}${target.httpPath}`,
  ],
  readLine(line) {
    const done = downloadDone.exec(line);
    if (done !== null && done[1] !== '0') return { ok: false, detail: done[4] === '' ? `curl failed (${done[1]})` : done[4].replace(/ after \d+ ms/, '') };
    if (done !== null) return { ok: true, detail: `got ${(Number(done[2]) / 1048576).toFixed(1)} MiB at ${(Number(done[3]) / 1e6).toFixed(1)} MB/s` };
    const error = curlError.exec(line);
    if (error !== null) return { ok: false, detail: error[2].replace(/ after \d+ ms/, '') };
    return null;
  },
  readExit: (code) => (code === 0 ? null : { ok: false, detail: `curl exited with ${code ?? 'a signal'}` }),
};

const pingReply = /^\d+ bytes from [\d.]+: icmp_seq=\d+ ttl=\d+ time=([\d.]+) ms$/;

const ping: DemoAppSpec = {
  name: 'ping',
  title: 'Ping',
  description: 'ICMP echo to an IPv4 literal, twice a second',
  program: 'ping',
  argv: (target) => ['ping', '-n', '-O', '-i', '0.5', '-W', '1', target.server],
  readLine(line) {
    const reply = pingReply.exec(line);
    if (reply !== null) return { ok: true, detail: `reply in ${Number(reply[1]).toFixed(2)} ms` };
    if (line.startsWith('no answer yet')) return { ok: false, detail: 'no answer' };
    const unreachable = /(Network is unreachable|Destination \w+ Unreachable)/.exec(line);
    if (unreachable !== null) return { ok: false, detail: unreachable[1] };
    return null;
  },
  readExit: (code) => ({ ok: false, detail: `ping exited (${code ?? 'signal'})` }),
};

export const demoApps: Readonly<Record<DemoAppName, DemoAppSpec>> = { call, download, ping };
