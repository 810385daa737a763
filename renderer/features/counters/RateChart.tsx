// A live line chart of the last two minutes, one point a second. Animation is off: with data
// arriving every second, animating each point only costs frames. The value axis has its own
// ticks (ui/axis-ticks.ts), so no two of its labels read the same.

import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RateSample } from '../../../core/api/counters.js';
import { distinctTicks } from '../../ui/axis-ticks.js';
import { formatClock, formatSi } from '../../ui/format.js';

export interface Series {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  readonly value: (sample: RateSample) => number;
}

export const RateChart = memo(function RateChart(props: { rates: readonly RateSample[]; series: readonly Series[]; unit: string; testId: string }) {
  let maxValue = 0;
  const data = props.rates.map((sample) => {
    const point: Record<string, number> = { atMs: sample.atMs };
    for (const series of props.series) {
      const value = series.value(sample);
      point[series.key] = value;
      if (value > maxValue) maxValue = value;
    }
    return point;
  });
  const ticks = distinctTicks(maxValue, props.unit);
  return (
    <div className="chart" data-testid={props.testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="atMs" tickFormatter={(value: number) => formatClock(value).slice(0, 8)} stroke="var(--muted)" minTickGap={48} />
          <YAxis
            ticks={ticks}
            domain={[0, ticks[ticks.length - 1]]}
            interval={0}
            tickFormatter={(value: number) => formatSi(value, props.unit)}
            stroke="var(--muted)"
            width={84}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(value) => formatClock(Number(value))}
            formatter={(value) => formatSi(Number(value), props.unit)}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          <Legend />
          {props.series.map((series) => (
            <Line key={series.key} dataKey={series.key} name={series.name} stroke={series.color} dot={false} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
