// The NAT64 prefix and where it came from (RFC 8781 PREF64 in a Router Advertisement, RFC 7050
// DNS64 discovery, or given by hand), how long it stays valid, and the CLAT's addresses.

import { prefixSourceNames } from '../../../core/api/status.js';
import { useSession } from '../../stores/session-store.js';
import { Card } from '../../ui/Card.js';
import { formatRemaining } from '../../ui/format.js';
import { useNow } from '../../ui/use-now.js';

export function PrefixCard(props: { compact?: boolean }) {
  const status = useSession((state) => state.status);
  const now = useNow();
  if (status?.state !== 'running') {
    const text = status?.state === 'discovering' ? `Looking on ${status.uplink}…` : 'None: the CLAT is off';
    return (
      <Card title="NAT64 prefix" testId="prefix-card">
        <div className="prefix-value muted" data-testid="prefix-value">
          {text}
        </div>
      </Card>
    );
  }
  const { prefix } = status;
  return (
    <Card title="NAT64 prefix" testId="prefix-card">
      <div className="prefix-value" data-testid="prefix-value">
        {prefix.prefix}
      </div>
      <div className="prefix-source" data-testid="prefix-source" data-source={prefix.source}>
        from {prefixSourceNames[prefix.source]}
        {prefix.expiresAtMs !== null && <span className="muted"> · {formatRemaining(prefix.expiresAtMs, now)}</span>}
      </div>
      {!props.compact && (
        <dl className="facts">
          <dt>CLAT IPv4</dt>
          <dd data-testid="clat-ipv4">{status.clatIpv4}</dd>
          <dt>CLAT IPv6</dt>
          <dd data-testid="clat-ipv6">{status.clatIpv6}</dd>
          <dt>Uplink</dt>
          <dd>{status.uplink}</dd>
          <dt>CLAT interface</dt>
          <dd>{status.tun}</dd>
          <dt>IPv4 MTU</dt>
          <dd>{status.mtu}</dd>
          <dt>Delivery</dt>
          <dd>{status.delivery}</dd>
        </dl>
      )}
    </Card>
  );
}
