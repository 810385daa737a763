// The big switch. Optimistic: it moves at once and shows "Turning on…" until the engine answers;
// if the engine refuses, it moves back and says why — with "Turn on anyway" when the refusal is
// that the host already has native IPv4 (the CLAT would take over its IPv4 default route).

import { useState } from 'react';
import { useBridge } from '../../bridge-context.js';
import { toggleShowsOn, useSession } from '../../stores/session-store.js';
import { statusDetail, statusHeadline } from './status-text.js';

export function ClatToggle(props: { large?: boolean }) {
  const bridge = useBridge();
  const status = useSession((state) => state.status);
  const pending = useSession((state) => state.pending);
  const lastError = useSession((state) => state.lastError);
  const connected = useSession((state) => state.link.state === 'connected');
  const [options, setOptions] = useState({ uplink: '', prefix: '' });
  const on = toggleShowsOn({ status, pending });
  const upParams = () => ({
    ...(options.uplink.trim() !== '' ? { uplink: options.uplink.trim() } : {}),
    ...(options.prefix.trim() !== '' ? { prefix: options.prefix.trim() } : {}),
  });
  const state = pending !== null ? 'pending' : (status?.state ?? 'unknown');
  return (
    <div className={`toggle ${props.large ? 'toggle-large' : ''}`}>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label="CLAT"
        data-testid="clat-toggle"
        className={`switch ${on ? 'switch-on' : ''}`}
        disabled={!connected || pending !== null}
        onClick={() => void bridge.setClat(!on, upParams())}
      >
        <span className="switch-knob" />
      </button>
      <div className="toggle-text">
        <div className="toggle-headline" data-testid="clat-state" data-state={state}>
          {statusHeadline(status, pending)}
        </div>
        {statusDetail(status) !== null && <div className="muted status-detail" data-testid="clat-detail">{statusDetail(status)}</div>}
        {lastError !== null && (
          <div className="toggle-error" role="alert" data-testid="toggle-error" data-code={lastError.code}>
            {lastError.code === 'native-ipv4' ? 'This network has native IPv4: the CLAT is not needed. ' : ''}
            {lastError.code === 'no-ipv6' ? 'No IPv6 on this network: a CLAT needs an IPv6 uplink. ' : ''}
            {lastError.code === 'no-prefix' ? 'No NAT64 prefix found (no PREF64 in RAs, no DNS64). Give one below. ' : ''}
            {lastError.message}
            {lastError.forceHelps && (
              <button type="button" className="button button-small" onClick={() => void bridge.setClat(true, { ...upParams(), force: true })}>
                Turn on anyway
              </button>
            )}
          </div>
        )}
        {!props.large && (
          <details className="toggle-options">
            <summary>Options</summary>
            <label>
              Uplink <input value={options.uplink} placeholder="automatic" onChange={(event) => setOptions({ ...options, uplink: event.target.value })} />
            </label>
            <label>
              NAT64 prefix <input value={options.prefix} placeholder="discovered (RA, DNS64)" onChange={(event) => setOptions({ ...options, prefix: event.target.value })} />
            </label>
          </details>
        )}
      </div>
    </div>
  );
}
