// The two traces side by side, as in the 2013 demo: left the IPv4 packets on the CLAT interface,
// right their IPv6 twins on the uplink. Hovering a packet lights up its twin. A filter keeps the
// pairs with a matching packet on either side, so twins stay together.

import { useMemo, useState } from 'react';
import { useBridge } from '../../bridge-context.js';
import { useSession } from '../../stores/session-store.js';
import { useTrace } from '../../stores/trace-store.js';
import { formatCount } from '../../ui/format.js';
import { ExplanationPanel } from '../explain/ExplanationPanel.js';
import type { LineContext } from './line-parts.js';
import { matchingPairs } from './trace-rows.js';
import { TracePane } from './TracePane.js';

export function TracePanes(props: { large?: boolean; toolbar?: boolean }) {
  const v4Rows = useTrace((state) => state.v4Rows);
  const v6Rows = useTrace((state) => state.v6Rows);
  const filter = useTrace((state) => state.filter);
  const status = useSession((state) => state.status);
  const matches = useMemo(() => matchingPairs(filter, v4Rows, v6Rows), [filter, v4Rows, v6Rows]);
  const shownV4 = useMemo(() => (matches === null ? v4Rows : v4Rows.filter((row) => matches.has(row.pairId))), [matches, v4Rows]);
  const shownV6 = useMemo(() => (matches === null ? v6Rows : v6Rows.filter((row) => matches.has(row.pairId))), [matches, v6Rows]);
  const running = status?.state === 'running' ? status : null;
  const rowHeight = props.large ? 34 : 22;
  const clatIpv6 = running?.clatIpv6 ?? null;
  const nat64Prefix = running?.prefix.prefix ?? null;
  const lineContext = useMemo<LineContext>(() => ({ clatIpv6, nat64Prefix, shortenClat: props.large === true }), [clatIpv6, nat64Prefix, props.large]);
  return (
    <div className={`traces ${props.large ? 'traces-large' : ''}`} data-testid="traces">
      {props.toolbar !== false && <TraceToolbar />}
      <div className="trace-panes">
        <TracePane family={4} rows={shownV4} rowHeight={rowHeight} title="IPv4" subtitle={running !== null ? `on ${running.tun} (${running.clatIpv4})` : 'on the CLAT interface'} lineContext={lineContext} />
        <TracePane family={6} rows={shownV6} rowHeight={rowHeight} title="IPv6" subtitle={running !== null ? `on ${running.uplink} (${running.clatIpv6})` : 'on the uplink'} lineContext={lineContext} />
      </div>
      <ExplanationPanel large={props.large} />
    </div>
  );
}

function TraceToolbar() {
  const bridge = useBridge();
  const paused = useTrace((state) => state.paused);
  const follow = useTrace((state) => state.follow);
  const filter = useTrace((state) => state.filter);
  const skipped = useTrace((state) => state.skipped);
  const missed = useTrace((state) => state.missedWhilePaused);
  const { setPaused, setFollow, setFilter, clear } = useTrace.getState();
  const [exportMessage, setExportMessage] = useState<string | null>(null);
  return (
    <div className="trace-toolbar">
      <button type="button" className="button button-small" onClick={() => setPaused(!paused)} data-testid="trace-pause">
        {paused ? 'Resume' : 'Pause'}
      </button>
      <label className="check">
        <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} data-testid="trace-follow" /> Follow
      </label>
      <input className="filter" type="search" placeholder="Filter: address, port, protocol, program" value={filter} onChange={(event) => setFilter(event.target.value)} data-testid="trace-filter" />
      <button type="button" className="button button-small" onClick={clear}>
        Clear
      </button>
      <button
        type="button"
        className="button button-small"
        data-testid="export-button"
        onClick={() => {
          setExportMessage('Exporting…');
          void bridge.exportPcapng().then((result) => setExportMessage(result.message));
        }}
      >
        Export pcapng
      </button>
      {exportMessage !== null && (
        <span className="muted" data-testid="export-message">
          {exportMessage}
        </span>
      )}
      <span className="muted trace-stats">
        {paused && missed > 0 ? `${formatCount(missed)} new pairs not shown · ` : ''}
        {skipped > 0 ? `${formatCount(skipped)} pairs skipped to keep up` : ''}
      </span>
    </div>
  );
}
