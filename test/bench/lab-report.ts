// What `npm run bench:lab` reports: the metrics (one table, one line each), their median, minimum
// and maximum over the rounds per configuration, and the ratios of Clatter's medians to the other
// two configurations'. A metric a configuration cannot have (CLAT CPU without a CLAT) is absent.
// Against another build (clatter-baseline), the ratio is taken per round, clatter's turn over the
// baseline's beside it, and reported as median (min–max): pairs measured a minute apart share the
// machine's drift, which separate runs on this shared VM do not.

import { configNames, type ConfigName } from './lab-configs.js';
import { median } from './lab-measure.js';

export const metrics = {
  tcp1Gbps: { label: 'TCP, 1 stream', unit: 'Gbit/s', digits: 2 },
  tcp4Gbps: { label: 'TCP, 4 streams', unit: 'Gbit/s', digits: 2 },
  tcpDownGbps: { label: 'TCP download, 1 stream', unit: 'Gbit/s', digits: 2 },
  udpKpps: { label: 'UDP 64 B, received', unit: 'kpkt/s', digits: 1 },
  udpLossPct: { label: 'UDP 64 B, loss', unit: '%', digits: 1 },
  tcp1AloneGbps: { label: 'no NAT64: TCP, 1 stream', unit: 'Gbit/s', digits: 2 },
  tcp4AloneGbps: { label: 'no NAT64: TCP, 4 streams', unit: 'Gbit/s', digits: 2 },
  udpAloneKpps: { label: 'no NAT64: UDP 64 B, rcvd', unit: 'kpkt/s', digits: 1 },
  pingMs: { label: 'ping RTT, median', unit: 'ms', digits: 3 },
  pingFastMs: { label: 'ping RTT, 1 ms apart', unit: 'ms', digits: 3 },
  clatCpuPerGb1: { label: 'CLAT CPU, TCP 1 stream', unit: 's/GB', digits: 2 },
  clatCpuPerGb4: { label: 'CLAT CPU, TCP 4 streams', unit: 's/GB', digits: 2 },
  clatCpuPerGbDown: { label: 'CLAT CPU, TCP download', unit: 's/GB', digits: 2 },
  clatCpuPerGbAlone: { label: 'CLAT CPU, no NAT64 TCP ×1', unit: 's/GB', digits: 2 },
  clatCpuUdpPct: { label: 'CLAT CPU during UDP', unit: '% core', digits: 0 },
  platCpuPerGb1: { label: 'PLAT tayga CPU, TCP 1 str.', unit: 's/GB', digits: 2 },
  platCpuUdpPct: { label: 'PLAT tayga CPU during UDP', unit: '% core', digits: 0 },
  engineIdleCpuS: { label: 'engine CPU idle 5 s', unit: 's', digits: 3 },
} as const;

export type MetricId = keyof typeof metrics;
export const metricIds = Object.keys(metrics) as MetricId[];

/** One configuration's figures in one round. */
export type Sample = { -readonly [K in MetricId]?: number };

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export type Summary = Record<ConfigName, Partial<Record<MetricId, Spread>>>;
export type Ratios = Record<'clatterToTaygaClat' | 'clatterToIpv6Native', Partial<Record<MetricId, number>>>;

export function summarise(samples: Readonly<Record<ConfigName, readonly Sample[]>>): Summary {
  const summary = {} as Summary;
  for (const name of configNames) {
    const spreads: Partial<Record<MetricId, Spread>> = {};
    for (const id of metricIds) {
      const values = samples[name].map((sample) => sample[id]).filter((value): value is number => value !== undefined);
      const metric = spread(values);
      if (metric !== undefined) spreads[id] = metric;
    }
    summary[name] = spreads;
  }
  return summary;
}

function ratiosTo(summary: Summary, other: ConfigName): Partial<Record<MetricId, number>> {
  const ratios: Partial<Record<MetricId, number>> = {};
  for (const id of metricIds) {
    const ours = summary.clatter[id]?.median;
    const theirs = summary[other][id]?.median;
    if (ours !== undefined && theirs !== undefined && theirs !== 0) ratios[id] = ours / theirs;
  }
  return ratios;
}

export function ratios(summary: Summary): Ratios {
  return { clatterToTaygaClat: ratiosTo(summary, 'tayga-clat'), clatterToIpv6Native: ratiosTo(summary, 'ipv6-native') };
}

function spread(values: readonly number[]): Spread | undefined {
  return values.length === 0 ? undefined : { median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values };
}

/** Per metric, clatter / clatter-baseline in each round that has both. */
export function baselineRatios(samples: Readonly<Record<ConfigName, readonly Sample[]>>): Partial<Record<MetricId, Spread>> {
  const ratios: Partial<Record<MetricId, Spread>> = {};
  for (const id of metricIds) {
    const perRound = samples.clatter.flatMap((ours, round) => {
      const theirs = samples['clatter-baseline'][round]?.[id];
      return ours[id] === undefined || theirs === undefined || theirs === 0 ? [] : [ours[id] / theirs];
    });
    const ratio = spread(perRound);
    if (ratio !== undefined) ratios[id] = ratio;
  }
  return ratios;
}

function cell(spread: Spread | undefined, digits: number): string {
  if (spread === undefined) return '—';
  const value = (x: number) => x.toFixed(digits);
  return spread.samples.length === 1 ? value(spread.median) : `${value(spread.median)} (${value(spread.min)}–${value(spread.max)})`;
}

function ratioCell(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${ratio.toFixed(2)}×`;
}

function ratioSpreadCell(ratio: Spread | undefined): string {
  return ratio === undefined ? '—' : `${ratio.median.toFixed(2)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

interface Column {
  readonly header: string;
  readonly cell: (id: MetricId) => string;
}

/**
 * The table: a metric per line, a measured configuration per column (median, then min–max), then
 * the ratios to those of tayga-clat, ipv6-native and clatter-baseline that were measured.
 */
export function formatTable(summary: Summary, ratioTable: Ratios, measured: readonly ConfigName[], baseline: Partial<Record<MetricId, Spread>>): string {
  const columns: Column[] = [
    ...measured.map((name) => ({ header: name, cell: (id: MetricId) => cell(summary[name][id], metrics[id].digits) })),
    ...(measured.includes('tayga-clat') ? [{ header: 'clatter/tayga-clat', cell: (id: MetricId) => ratioCell(ratioTable.clatterToTaygaClat[id]) }] : []),
    ...(measured.includes('ipv6-native') ? [{ header: 'clatter/ipv6-native', cell: (id: MetricId) => ratioCell(ratioTable.clatterToIpv6Native[id]) }] : []),
    ...(measured.includes('clatter-baseline') ? [{ header: 'clatter/baseline per round', cell: (id: MetricId) => ratioSpreadCell(baseline[id]) }] : []),
  ];
  const header = ['metric', 'unit', ...columns.map((column) => column.header)];
  const rows = metricIds.map((id) => [metrics[id].label, metrics[id].unit, ...columns.map((column) => column.cell(id))]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: readonly string[]) => row.map((text, column) => (column < 2 ? text.padEnd(widths[column]) : text.padStart(widths[column]))).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}
