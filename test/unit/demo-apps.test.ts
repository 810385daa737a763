// The demo's apps as the demo reads them: each app's output lines and exits into working or
// failing with the app's own words, and the health that follows over time.

import { describe, expect, it } from 'vitest';
import { AppHealth, staleMs } from '../../core/demo/app-health.js';
import { demoApps, type DemoTarget } from '../../core/demo/demo-apps.js';

const target: DemoTarget = { server: '203.0.113.10', udpEchoPort: 7, httpPort: 80, httpPath: '/file', callBinary: '/opt/clatter/build/Release/clatter-call' };

describe('demo apps', () => {
  it('talk to the server by its IPv4 literal', () => {
    expect(demoApps.call.argv(target)).toEqual(['/opt/clatter/build/Release/clatter-call', '203.0.113.10', '7', '50', '160']);
    expect(demoApps.download.argv(target).at(-1)).toBe('http://203.0.113.10:80/file');
    expect(demoApps.ping.argv(target).at(-1)).toBe('203.0.113.10');
  });

  it('call: packets back is working; none back, or an error, is failing', () => {
    const read = demoApps.call.readLine;
    expect(read('second 3: sent 50 received 49 rtt 0.41 ms')).toEqual({ ok: true, detail: '49 packets/s back, 0.4 ms round trip' });
    expect(read('second 4: sent 50 received 0')).toEqual({ ok: false, detail: 'no answer (50 sent)' });
    expect(read('second 5: sent 0 received 0 error Network is unreachable')).toEqual({ ok: false, detail: 'Network is unreachable' });
    expect(read('something else')).toBeNull();
  });

  it('download: a finished transfer is working; a failed one says why', () => {
    const read = demoApps.download.readLine;
    expect(read('done 0 4194304 2097152.000 ')).toEqual({ ok: true, detail: 'got 4.0 MiB at 2.1 MB/s' });
    expect(read('done 7 0 0.000 Failed to connect to 203.0.113.10 port 80 after 0 ms: Couldn\'t connect to server')).toEqual({
      ok: false,
      detail: "Failed to connect to 203.0.113.10 port 80: Couldn't connect to server",
    });
    expect(read('done 28 1048576 0.000 ')).toEqual({ ok: false, detail: 'curl failed (28)' });
    expect(read('curl: (28) Operation too slow. Less than 1 bytes/sec transferred the last 3 seconds')).toMatchObject({ ok: false });
    expect(demoApps.download.readExit(0)).toBeNull();
  });

  it('ping: replies are working; no answer or unreachable is failing', () => {
    const read = demoApps.ping.readLine;
    expect(read('64 bytes from 203.0.113.10: icmp_seq=3 ttl=62 time=0.350 ms')).toEqual({ ok: true, detail: 'reply in 0.35 ms' });
    expect(read('no answer yet for icmp_seq=4')).toEqual({ ok: false, detail: 'no answer' });
    expect(read('ping: sendmsg: Network is unreachable')).toEqual({ ok: false, detail: 'Network is unreachable' });
    expect(read('PING 203.0.113.10 (203.0.113.10) 56(84) bytes of data.')).toBeNull();
  });
});

describe('app health', () => {
  it('starting, then working while good news is fresh, failing on bad news or silence', () => {
    const health = new AppHealth();
    expect(health.view(0)).toEqual({ health: 'stopped', detail: 'stopped' });
    health.start(1000);
    expect(health.view(1000).health).toBe('starting');
    expect(health.view(1000 + staleMs + 1)).toEqual({ health: 'failing', detail: 'no answer yet' });
    health.report(true, 'reply in 0.3 ms', 2000);
    expect(health.view(2500)).toEqual({ health: 'working', detail: 'reply in 0.3 ms' });
    expect(health.view(2000 + staleMs + 1)).toEqual({ health: 'failing', detail: 'no answer for a few seconds' });
    health.report(false, 'Network is unreachable', 3000);
    expect(health.view(3000)).toEqual({ health: 'failing', detail: 'Network is unreachable' });
    health.report(true, 'reply in 0.2 ms', 4000);
    expect(health.view(4000).health).toBe('working');
    health.stop();
    expect(health.view(4000).health).toBe('stopped');
  });
});
