// Process attribution against the real kernel, with loopback sockets only: this very process
// owns its TCP client, its accepted connection and its UDP socket; a child's UDP socket belongs to
// the child, and after the child exits the cache still names it. ICMP: a raw ICMP socket of a
// child (no packet sent), and ping sockets and raw-socket choices through a made-up /proc.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProcNetSockets, readProcNetSockets } from '../../core/engine/proc-net-sockets.js';
import { ProcessAttribution } from '../../core/engine/process-attribution.js';
import { SockDiag } from '../../core/engine/sock-diag.js';
import type { FlowSocketKey } from '../../core/observe/flow-info.js';
import { FlowTable } from '../../core/observe/flow-table.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { ipv4, ipv6, tcp, udp } from './packet-builder.js';

const loopback = 0x7f000001;
const me = { pid: process.pid, executable: process.execPath, user: userInfo().username, uid: userInfo().uid };
const myCommandLine = readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(0, -1);

const key = (protocol: number, localPort: number, remotePort: number, remoteV4 = loopback): FlowSocketKey =>
  ({ protocol, localV4: loopback, localPort, remoteV4, remotePort });

function once<T>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

/** A child that prints one line when ready and then waits to be killed. */
async function startChild(command: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
  });
  return { child, line };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('process attribution on this host', () => {
  const attribution = new ProcessAttribution();
  let server: Server;
  let client: Socket;
  let accepted: Socket;
  let datagram: UdpSocket;
  let serverPort: number;

  beforeAll(async () => {
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    serverPort = (server.address() as { port: number }).port;
    const acceptedPromise = once<Socket>(server, 'connection');
    client = connect(serverPort, '127.0.0.1');
    await once(client, 'connect');
    accepted = await acceptedPromise;
    datagram = createSocket('udp4');
    datagram.bind(0, '127.0.0.1');
    await once(datagram, 'listening');
  });

  afterAll(() => {
    client.destroy();
    accepted.destroy();
    server.close();
    datagram.close();
    attribution.close();
  });

  it('names this process for its TCP client, the connection it accepted, and its UDP socket', async () => {
    const keys = [
      key(6, client.localPort!, serverPort),
      key(6, serverPort, client.localPort!),
      key(17, datagram.address().port, 9), // unconnected: any remote matches
    ];
    const programs = await attribution.attributeMany(keys);
    for (const program of programs) expect(program).toEqual({ ...me, commandLine: myCommandLine });
    expect(await attribution.attribute(key(6, client.localPort!, serverPort))).toEqual(programs[0]);
  });

  it('finds nothing for a socket nobody has', async () => {
    const fresh = new ProcessAttribution();
    expect(await fresh.attribute(key(17, 1, 9))).toBeNull();
    expect(await fresh.attribute(key(47, 1, 9))).toBeNull(); // GRE: no sockets to look for
    fresh.close();
  });

  it("names a child's socket after the child, and still after it exited", async () => {
    const script = "const s = require('node:dgram').createSocket('udp4'); s.bind(0, '127.0.0.1', () => console.log(s.address().port)); setInterval(() => {}, 1e6);";
    const { child, line } = await startChild(process.execPath, ['-e', script]);
    const childKey = key(17, Number(line), 53);
    try {
      const program = await attribution.attribute(childKey);
      expect(program).toEqual({ pid: child.pid, executable: process.execPath, commandLine: [process.execPath, '-e', script], user: me.user, uid: me.uid });
      await stopChild(child);
      expect(await attribution.attribute(childKey)).toEqual(program);
      const fresh = new ProcessAttribution(); // no cache: the socket is gone
      expect(await fresh.attribute(childKey)).toBeNull();
      fresh.close();
    } finally {
      await stopChild(child);
    }
  });

  it('sets the program of new flows in a flow table', async () => {
    const flows = new FlowTable();
    const out = new XlatOutput();
    // The flow table only reads addresses from the IPv6 side; the translator would refuse
    // loopback, so the twin is given by hand.
    const record = (packet: Uint8Array) => {
      const twin = ipv6({ src: '2001:db8:1:2::c1a7', dst: '2001:db8:64::7f00:1' }, udp());
      out.buffer.set(twin, 0);
      out.count = 1;
      out.start[0] = 0;
      out.length[0] = twin.length;
      out.family[0] = 6;
      out.generated[0] = 0;
      return flows.record(packet, 0, packet.length, Verdict.translated, out, 1);
    };
    record(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }, udp({ srcPort: datagram.address().port, dstPort: 9 })));
    const detach = attribution.attach(flows);
    record(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }, tcp({ srcPort: client.localPort!, dstPort: serverPort, flags: 0x10 })));
    // A flow no socket owns (port 1 is nobody's here): answered too, with no program.
    record(ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }, udp({ srcPort: 1, dstPort: 9 })));
    expect([1, 2, 3].map((id) => flows.programAwaited(id))).toEqual([true, true, true]);
    const deadline = Date.now() + 5000;
    while ([1, 2, 3].some((id) => flows.programAwaited(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect([1, 2, 3].map((id) => flows.snapshot(id)?.program?.pid ?? null)).toEqual([process.pid, process.pid, null]);
    detach();
  });

  it('reads the same sockets from /proc/net as from sock_diag', async () => {
    const diag = new SockDiag();
    const found = await diag.lookup(17, key(17, datagram.address().port, 9));
    diag.close();
    expect(found.ok && found.socket !== null).toBe(true);
    const socket = found.ok ? found.socket! : undefined;
    const listed = readProcNetSockets('udp').find((s) => s.inode === socket?.inode);
    expect(listed).toMatchObject({ localV4: loopback, localPort: datagram.address().port, remoteV4: 0, remotePort: 0, uid: me.uid });
    const tcpDump = await new SockDiag().dump(6);
    expect(tcpDump.ok && tcpDump.sockets.some((s) => s.localPort === serverPort && s.state === 10)).toBe(true); // LISTEN
  });

  it('names the owner of a raw ICMP socket (no packet sent)', async (context) => {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || process.getuid?.() !== 0) context.skip();
    const othersBefore = readProcNetSockets('raw').filter((s) => s.localPort === 1);
    if (othersBefore.length > 0) context.skip(); // someone else's ping would make it ambiguous
    const script = 'import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)\nprint("ready", flush=True)\ntime.sleep(120)';
    const { child } = await startChild(python, ['-c', script]);
    try {
      const program = await new ProcessAttribution().attribute({ protocol: 1, localV4: 0xc0000001, localPort: 0x4321, remoteV4: 0xcb00710a, remotePort: 0 });
      expect(program).toMatchObject({ pid: child.pid, commandLine: [python, '-c', script] });
      expect(program?.executable).toMatch(/python3/);
    } finally {
      await stopChild(child);
    }
  });
});

describe('process attribution of ICMP echo through /proc (a made-up one)', () => {
  let root: string;
  const icmpHeader = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
  // 192.0.0.1 is C0 00 00 01 in memory, printed as the little-endian number 010000C0.
  const line = (sl: number, localHex: string, port: string, uid: number, inode: number) =>
    `  ${sl}: ${localHex}:${port} 00000000:0000 07 00000000:00000000 00:00000000 00000000  ${uid}        0 ${inode} 2 0000000000000000 0\n`;

  function fakeProcess(pid: number, inode: number, executable: string, args: string[]): void {
    mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
    symlinkSync(`socket:[${inode}]`, join(root, String(pid), 'fd', '5'));
    symlinkSync('/dev/null', join(root, String(pid), 'fd', '0'));
    symlinkSync(executable, join(root, String(pid), 'exe'));
    writeFileSync(join(root, String(pid), 'cmdline'), args.join('\0') + '\0');
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'clatter-proc-'));
    mkdirSync(join(root, 'net'));
    writeFileSync(join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('parses /proc/net lines, addresses in host order', () => {
    const sockets = parseProcNetSockets(icmpHeader + line(0, '010000C0', '1234', 1000, 777) + 'garbage\n', true);
    expect(sockets).toEqual([{ localV4: 0xc0000001, localPort: 0x1234, remoteV4: 0, remotePort: 0, state: 7, uid: 1000, inode: 777 }]);
    expect(parseProcNetSockets(line(0, 'C0000001', '0001', 0, 1), false)[0].localV4).toBe(0xc0000001);
  });

  it('finds a ping socket by its echo identifier', async () => {
    writeFileSync(join(root, 'net', 'icmp'), icmpHeader + line(0, '00000000', '1111', 0, 555) + line(1, '010000C0', '1234', 1000, 777));
    writeFileSync(join(root, 'net', 'raw'), icmpHeader);
    fakeProcess(4242, 777, '/usr/bin/ping', ['ping', '-c', '3', 'example.com']);
    fakeProcess(4243, 555, '/usr/bin/other', ['other']);
    const attribution = new ProcessAttribution({ procRoot: root, passwdPath: join(root, 'passwd') });
    const echo = { protocol: 1, localV4: 0xc0000001, remoteV4: 0xcb00710a, remotePort: 0 };
    expect(await attribution.attribute({ ...echo, localPort: 0x1234 })).toEqual({
      pid: 4242, executable: '/usr/bin/ping', commandLine: ['ping', '-c', '3', 'example.com'], user: 'alice', uid: 1000,
    });
    expect((await attribution.attribute({ ...echo, localPort: 0x1111 }))?.pid).toBe(4243); // bound to 0.0.0.0
    expect(await attribution.attribute({ ...echo, localPort: 0x2222 })).toBeNull();
    // The same identifier in a request from outside: the kernel answers, no program.
    expect(await new ProcessAttribution({ procRoot: root }).attribute({ ...echo, localPort: 0x1234, outbound: false })).toBeNull();
    attribution.close();
  });

  it('picks among raw ICMP sockets by process id, and takes a lone one whatever the identifier', async () => {
    writeFileSync(join(root, 'net', 'icmp'), icmpHeader);
    writeFileSync(join(root, 'net', 'raw'), icmpHeader + line(0, '00000000', '0001', 0, 901) + line(1, '00000000', '0001', 0, 902) + line(2, '00000000', '0011', 0, 903));
    fakeProcess(0x1300, 901, '/usr/bin/ping', ['ping', 'a']);
    fakeProcess(0x1301, 902, '/usr/bin/ping', ['ping', 'b']);
    const attribution = new ProcessAttribution({ procRoot: root, passwdPath: join(root, 'passwd') });
    const echo = { protocol: 1, localV4: 0xc0000001, remoteV4: 0xcb00710a, remotePort: 0 };
    expect((await attribution.attribute({ ...echo, localPort: 0x1301 }))?.commandLine).toEqual(['ping', 'b']);
    expect((await attribution.attribute({ ...echo, localPort: 0x0013 }))?.commandLine).toEqual(['ping', 'a']); // byte-swapped
    expect(await attribution.attribute({ ...echo, localPort: 0x7777 })).toBeNull(); // ambiguous
    writeFileSync(join(root, 'net', 'raw'), icmpHeader + line(0, '00000000', '0001', 0, 902));
    expect((await attribution.attribute({ ...echo, localPort: 0x7778 }))?.user).toBe('root');
    attribution.close();
  });
});
