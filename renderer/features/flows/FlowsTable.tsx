// Per-app flows: which program talks to which IPv4 address, the IPv6 address that stands for it on
// the uplink (the NAT64 prefix + the IPv4 address, RFC 6052), bytes each way and when it last
// moved. The newest first; at most `maxShown` rows, the count of the rest said.

import { useMemo } from 'react';
import type { FlowInfo } from '../../../core/observe/flow-info.js';
import { flowProgramName, flowsByRecency, useFlows } from '../../stores/flows-store.js';
import { Card } from '../../ui/Card.js';
import { formatAge, formatBytes, formatEndpoint, formatProtocol } from '../../ui/format.js';
import { useNow } from '../../ui/use-now.js';

const maxShown = 200;

function FlowRow(props: { flow: FlowInfo; now: number }) {
  const { flow } = props;
  const name = flowProgramName(flow);
  return (
    <tr data-testid="flow-row" data-program={name ?? ''}>
      <td>
        <span className="program">{name ?? 'unknown'}</span>
        {flow.program !== null && <span className="muted"> {flow.program.pid}</span>}
      </td>
      <td>{formatProtocol(flow.protocol)}</td>
      <td>
        {formatEndpoint(flow.v4.remote, flow.v4.remotePort)}
        {flow.remoteName !== null && <div className="muted">{flow.remoteName}</div>}
      </td>
      <td className="v6-twin">{formatEndpoint(flow.v6.remote, flow.v6.remotePort)}</td>
      <td className="num">{formatBytes(flow.bytes46)}</td>
      <td className="num">{formatBytes(flow.bytes64)}</td>
      <td>{flow.tcpState ?? ''}</td>
      <td className="muted">{formatAge(flow.lastSeenMs, props.now)}</td>
    </tr>
  );
}

export function FlowsTable() {
  const flows = useFlows((state) => state.flows);
  const now = useNow();
  const sorted = useMemo(() => flowsByRecency(flows), [flows]);
  return (
    <Card title={`Programs using IPv4 (${sorted.length} flows)`} className="flows" testId="flows">
      {sorted.length === 0 ? (
        <p className="muted">No IPv4 traffic through the CLAT yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="flows-table">
            <thead>
              <tr>
                <th>Program</th>
                <th>Proto</th>
                <th>Remote IPv4</th>
                <th>Its IPv6 twin</th>
                <th className="num">Out</th>
                <th className="num">In</th>
                <th>TCP</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {sorted.slice(0, maxShown).map((flow) => (
                <FlowRow key={flow.id} flow={flow} now={now} />
              ))}
            </tbody>
          </table>
          {sorted.length > maxShown && <p className="muted">and {sorted.length - maxShown} older flows</p>}
        </div>
      )}
    </Card>
  );
}
