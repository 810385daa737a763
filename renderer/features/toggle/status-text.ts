// The CLAT's state in words, for the toggle card and the presentation view.

import type { ClatStatus } from '../../../core/api/status.js';

export function statusHeadline(status: ClatStatus | null, pending: 'on' | 'off' | null): string {
  if (pending === 'on') return 'Turning on…';
  if (pending === 'off') return 'Turning off…';
  if (status === null) return 'Unknown';
  switch (status.state) {
    case 'off':
      return 'CLAT off';
    case 'discovering':
      return `Looking for the NAT64 prefix on ${status.uplink}…`;
    case 'running':
      return status.health?.state === 'no-replies' ? 'CLAT on, but replies are not arriving' : 'CLAT on: IPv4 works over IPv6';
    case 'error':
      return 'CLAT failed';
  }
}

export function statusDetail(status: ClatStatus | null): string | null {
  if (status === null) return null;
  const lines = [stateDetail(status), autoDetail(status)].filter((line) => line !== null);
  return lines.length === 0 ? null : lines.join('\n');
}

function stateDetail(status: ClatStatus): string | null {
  if (status.state === 'off') return status.reason ?? (status.mode === 'auto' && status.auto === undefined ? 'Automatic: turns on when the network needs it' : null);
  if (status.state === 'error') return status.cause;
  if (status.state === 'running') return `IPv4 through ${status.tun} → IPv6 on ${status.uplink}`;
  return null;
}

/** Auto mode's reason ("on: no native IPv4; …"), as the engine gives it. */
function autoDetail(status: ClatStatus): string | null {
  if (status.mode !== 'auto' || status.auto === undefined) return null;
  return `Automatic, ${status.auto}`;
}
