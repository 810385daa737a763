// The reply-health banner: shown only while the running CLAT's replies are not arriving, saying
// what went unanswered and the likely causes in order (found ones marked); the toggle's headline
// stops claiming that IPv4 works. Rendered to markup with React's server renderer (no DOM needed).

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ClatStatus } from '../../core/api/status.js';
import { noRepliesOf, unansweredText } from '../../renderer/features/health/health-text.js';
import { ReplyHealthNotice } from '../../renderer/features/health/ReplyHealthBanner.js';
import { statusHeadline } from '../../renderer/features/toggle/status-text.js';
import { offStatus, runningStatus } from './fixtures.js';

const running = runningStatus as Extract<ClatStatus, { state: 'running' }>;
const noReplies: ClatStatus = {
  ...running,
  health: {
    state: 'no-replies',
    sinceMs: 100_000,
    unansweredDestinations: ['203.0.113.20', '203.0.113.21', '198.51.100.7'],
    unansweredRequests: 9,
    causes: [
      { kind: 'firewall', found: true, text: "a firewall rule drops the CLAT's new connections forwarded from clat to wlan0: table inet filter chain forward policy drop" },
      { kind: 'nat64', found: false, text: 'the NAT64 unreachable (64:ff9b::/96 is routed via fe80::1 on wlan0; what lies beyond cannot be seen from here)' },
      { kind: 'prefix', found: false, text: 'a stale NAT64 prefix (64:ff9b::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)' },
    ],
  },
};

describe('reply health in the UI', () => {
  it('is there only while a running CLAT gets no replies', () => {
    expect(noRepliesOf(noReplies)).toMatchObject({ state: 'no-replies', unansweredRequests: 9 });
    expect(noRepliesOf({ ...running, health: { state: 'ok' } })).toBeNull();
    expect(noRepliesOf(runningStatus)).toBeNull();
    expect(noRepliesOf(offStatus)).toBeNull();
    expect(noRepliesOf(null)).toBeNull();
  });

  it('says what went unanswered, for how long', () => {
    const health = noRepliesOf(noReplies)!;
    expect(unansweredText(health, 108_000)).toBe(
      'For 8 s, 9 requests (new TCP connections, pings) to 3 IPv4 destinations (203.0.113.20, 203.0.113.21, 198.51.100.7) went out through the CLAT and nothing has come back from anywhere.',
    );
    expect(unansweredText(health, 100_000 + 5 * 60_000)).toMatch(/^For 5 min, /);
  });

  it('the banner: an alert with the title, the sentence and the causes in order, the found one marked', () => {
    const markup = renderToStaticMarkup(createElement(ReplyHealthNotice, { health: noRepliesOf(noReplies)!, nowMs: 108_000 }));
    expect(markup).toMatch(/^<div class="banner banner-error" role="alert" data-testid="health-banner" data-state="no-replies"><strong>Replies are not arriving<\/strong>/);
    expect(markup).toContain('<p>For 8 s, 9 requests');
    const causes = [...markup.matchAll(/<li( class="cause-found")? data-cause="(\w+)" data-found="(true|false)">/g)].map((m) => [m[2], m[3], m[1] !== undefined]);
    expect(causes).toEqual([['firewall', 'true', true], ['nat64', 'false', false], ['prefix', 'false', false]]);
    expect(markup).toContain('table inet filter chain forward policy drop');
  });

  it("the toggle's headline stops saying IPv4 works", () => {
    expect(statusHeadline(noReplies, null)).toBe('CLAT on, but replies are not arriving');
    expect(statusHeadline(runningStatus, null)).toBe('CLAT on: IPv4 works over IPv6');
  });
});
