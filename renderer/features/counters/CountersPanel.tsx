// Live counters: the IPv4 side (what the host's programs sent and got on the CLAT interface) and
// the IPv6 side (what crossed the uplink), now and in total; rates over two minutes; and every
// reason a packet was not translated, with the reason's description.

import { dropReasonTable } from '../../../core/api/counters.js';
import { dropsByReason, latestRate, sideBytes, sidePackets, totalDropped, useTraffic } from '../../stores/traffic-store.js';
import { Card } from '../../ui/Card.js';
import { formatBitRate, formatBytes, formatCount, formatPacketRate } from '../../ui/format.js';
import { RateChart, type Series } from './RateChart.js';

const bitSeries: readonly Series[] = [
  { key: 'v4', name: 'IPv4 side', color: 'var(--v4)', value: (s) => (s.bytes46v4 + s.bytes64v4) * 8 },
  { key: 'v6', name: 'IPv6 side', color: 'var(--v6)', value: (s) => (s.bytes46v6 + s.bytes64v6) * 8 },
];

const packetSeries: readonly Series[] = [
  { key: 'out', name: 'out (IPv4 → IPv6)', color: 'var(--out)', value: (s) => s.packets46 },
  { key: 'in', name: 'in (IPv6 → IPv4)', color: 'var(--in)', value: (s) => s.packets64 },
  { key: 'dropped', name: 'dropped', color: 'var(--bad)', value: (s) => s.dropped },
];

function Side(props: { side: 'ipv4' | 'ipv6'; title: string }) {
  const counters = useTraffic((state) => state.counters);
  const rate = useTraffic((state) => latestRate(state.rates));
  const bytesPerSecond = rate === null ? 0 : props.side === 'ipv4' ? rate.bytes46v4 + rate.bytes64v4 : rate.bytes46v6 + rate.bytes64v6;
  const packetsPerSecond = rate === null ? 0 : rate.packets46 + rate.packets64;
  return (
    <div className={`side side-${props.side}`}>
      <div className="side-title">{props.title}</div>
      <div className="side-rate">{formatBitRate(bytesPerSecond)}</div>
      <div className="muted">{formatPacketRate(packetsPerSecond)}</div>
      <div className="side-total">
        <span data-testid={`${props.side}-packets`}>{formatCount(sidePackets(counters, props.side))}</span> packets ·{' '}
        {formatBytes(sideBytes(counters, props.side))}
      </div>
    </div>
  );
}

export function CountersPanel() {
  const rates = useTraffic((state) => state.rates);
  const counters = useTraffic((state) => state.counters);
  const drops = counters === null ? [] : dropsByReason(counters.dropped);
  return (
    <Card title="Traffic" className="counters" testId="counters">
      <div className="sides">
        <Side side="ipv4" title="IPv4 side · CLAT interface" />
        <Side side="ipv6" title="IPv6 side · uplink" />
      </div>
      <div className="charts">
        <RateChart rates={rates} series={bitSeries} unit="bit/s" testId="chart-bits" />
        <RateChart rates={rates} series={packetSeries} unit="pkt/s" testId="chart-packets" />
      </div>
      <div className="drops" data-testid="drops">
        <div className="drops-title">
          Not translated: {formatCount(totalDropped(counters))}
          {counters !== null && counters.generatedErrors > 0 && <span className="muted"> · ICMP errors sent: {formatCount(counters.generatedErrors)}</span>}
        </div>
        {drops.length > 0 && (
          <table className="table">
            <tbody>
              {drops.map(([reason, count]) => (
                <tr key={reason}>
                  <td className="num">{formatCount(count)}</td>
                  <td title={reason}>{dropReasonTable[reason]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
