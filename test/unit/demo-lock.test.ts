// The demo's lock (an abstract Unix socket held for the demo's life): one holder at a time, found
// with its pid, asked to stop, and its end seen by whoever waits for it.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

type LockModule = typeof import('../../core/demo/node/demo-lock.js');
let lockModule: LockModule;
const releases: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // A name of this test's own, not the real demo's.
  process.env.CLATTER_DEMO_LOCK = `clatter-demo-test-${process.pid}`;
  lockModule = await import('../../core/demo/node/demo-lock.js');
});

const children: ChildProcess[] = [];
const nobody = 65534;

afterEach(async () => {
  for (const release of releases.splice(0)) await release();
  for (const child of children.splice(0)) {
    // Gone before the next test: a dying holder still holds the name.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
});

/** A node process running `script` as user nobody; resolves once it printed "ready". */
async function asNobody(script: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script], { uid: nobody, gid: nobody, stdio: ['ignore', 'pipe', 'inherit'], env: { LOCK: process.env.CLATTER_DEMO_LOCK } });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!out.includes('ready')) await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => { throw new Error('the child exited'); })]);
  return child;
}

describe('demo lock', () => {
  it('has one holder at a time, and is free again once released', async () => {
    const first = await lockModule.acquireDemoLock(() => {});
    expect(first).not.toBeNull();
    expect(await lockModule.acquireDemoLock(() => {})).toBeNull();
    await first!.release();
    const again = await lockModule.acquireDemoLock(() => {});
    expect(again).not.toBeNull();
    releases.push(() => again!.release());
  });

  it('tells a client the holder pid, passes on a stop request, and the client sees the end', async () => {
    let stopAsked = false;
    const lock = await lockModule.acquireDemoLock(() => (stopAsked = true));
    const holder = await lockModule.findDemo();
    expect(holder?.pid).toBe(process.pid);
    holder!.askToStop();
    for (let i = 0; i < 100 && !stopAsked; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopAsked).toBe(true);
    let ended = false;
    void holder!.ended.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    await lock!.release();
    await holder!.ended;
    expect(await lockModule.findDemo()).toBeNull();
  });

  // The name is anyone's: a process of another user takes it and writes a made-up pid (1: init).
  it.runIf(process.getuid?.() === 0)('goes by the kernel\'s pid and uid of a holder, not by what it writes', async () => {
    const squatter = await asNobody("require('net').createServer((s) => s.write('1\\n')).listen('\\0' + process.env.LOCK, () => console.log('ready'))");
    const holder = await lockModule.findDemo();
    holder?.close();
    expect(holder).toMatchObject({ pid: squatter.pid, uid: nobody });
  });

  it.runIf(process.getuid?.() === 0)('names a holder that is not root even when it says nothing', async () => {
    const silent = await asNobody("require('net').createServer(() => {}).listen('\\0' + process.env.LOCK, () => console.log('ready'))");
    const holder = await lockModule.findDemo();
    holder?.close();
    expect(holder).toMatchObject({ pid: silent.pid, uid: nobody });
  });

  it.runIf(process.getuid?.() === 0)('takes a stop request only from root or its own user', async () => {
    let stopAsked = false;
    const lock = await lockModule.acquireDemoLock(() => (stopAsked = true));
    releases.push(() => lock!.release());
    const client = await asNobody("const s = require('net').connect('\\0' + process.env.LOCK, () => { s.write('stop\\n'); console.log('ready'); })");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopAsked).toBe(false);
    client.kill('SIGKILL');
    const holder = await lockModule.findDemo();
    holder!.askToStop(); // this process: root
    for (let i = 0; i < 100 && !stopAsked; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    holder!.close();
    expect(stopAsked).toBe(true);
  });
});
