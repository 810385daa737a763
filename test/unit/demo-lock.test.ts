// The demo's lock (an abstract Unix socket held for the demo's life): one holder at a time, found
// with its pid, asked to stop, and its end seen by whoever waits for it.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

type LockModule = typeof import('../../core/demo/node/demo-lock.js');
let lockModule: LockModule;
const releases: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // A name of this test's own, not the real demo's.
  process.env.CLATTER_DEMO_LOCK = `clatter-demo-test-${process.pid}`;
  lockModule = await import('../../core/demo/node/demo-lock.js');
});

afterEach(async () => {
  for (const release of releases.splice(0)) await release();
});

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
});
