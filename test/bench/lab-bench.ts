// `npm run bench:lab`: Clatter against tayga-as-a-CLAT (as clatd runs it) and against plain IPv6
// through the NAT64, end to end in the namespace lab (core/lab), from the lab's host namespace to the
// IPv4-only server. Each round measures every configuration once, in the same order (clatter,
// clatter-docker-fw, tayga-clat, ipv6-native, clatter, …), so that drift of the machine's load
// affects all alike. Prints, per configuration, the median over the rounds with min–max, and
// Clatter's ratios to the others. A benchmark: it prints figures and asserts no speed. Needs root
// (the lab does).
//
// Against another build: --baseline DIR (another checkout's dist, after `npx tsc -b` there) adds
// clatter-baseline, that checkout's engine started with the same arguments, measured in every round
// right beside clatter (which of the two goes first alternates from round to round), and prints the
// per-round ratio clatter / clatter-baseline. Separate runs on a shared machine differ by more than
// most changes do; turns a minute apart in one sitting share its drift.
//
// Options: --rounds N (default 3), --seconds N per iperf3 run (default 5), --offload on|off (the
// engine's TUN offloads, default on), --workers N (the engine's translating threads, default 0),
// --delivery MODE (the engine's delivery, default auto), --baseline DIR, --configs A,B (measure
// only these, e.g. clatter,clatter-baseline; default all), --fresh-engines (a new engine process
// for each turn, not one per run: what one process happens to get then varies from round to round
// rather than biasing the whole run, by up to 20 % here), --json.
// Progress goes to stderr. The lab (namespaces, engine, tayga, files) is removed at the end, on
// failure, and on SIGINT/SIGTERM (the lab's own exit cleanup).

import { release } from 'node:os';
import { parseArgs } from 'node:util';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { benchConfigs, configNames, type ConfigName } from './lab-configs.js';
import { BenchEngine, checkoutCli, FreshEngine, type EngineOptions, type TurnEngine } from './lab-engine.js';
import { clockTicksPerSecond } from './lab-measure.js';
import { baselineRatios, formatTable, ratios, summarise, type Sample } from './lab-report.js';
import { fastPingCount, fastPingIntervalS, idleSeconds, measureTurn, pingCount, pingIntervalS, udpPayloadBytes } from './lab-turn.js';

const help = `Usage: npm run bench:lab -- [--rounds N] [--seconds N] [--offload on|off] [--workers N] [--delivery MODE]
                             [--baseline DIR] [--configs A,B,…] [--fresh-engines] [--json]

Measures, in the namespace lab, IPv4 traffic from the IPv6-only host to the IPv4-only server through
our engine as the CLAT (clatter), through tayga as the CLAT (tayga-clat, set up as clatd does), and
plain IPv6 through the NAT64 (ipv6-native). Needs root.

  --rounds N    rounds, each measuring every configuration once (default 3)
  --seconds N   length of each iperf3 run (default 5)
  --offload on|off  our engine's TUN offloads (clatter engine --offload; default on)
  --workers N   our engine's translating threads (clatter engine --workers; default 0)
  --delivery MODE  our engine's delivery (clatter engine --delivery; default auto: ingress)
  --baseline DIR   also measure another checkout's engine (clatter-baseline; DIR is its dist, after
                npx tsc -b there), beside clatter in every round, and print clatter / clatter-baseline
  --configs A,B    measure only these (default: all): ${configNames.join(', ')};
                clatter-baseline only with --baseline, which adds it
  --fresh-engines  a new engine process for each turn (default: one per build for the whole run);
                use it to compare builds: a process's luck then varies over the rounds
  --json        print the results as JSON
  -h, --help    show this help
`;

interface Options {
  readonly rounds: number;
  readonly seconds: number;
  readonly json: boolean;
  readonly offload: 'on' | 'off';
  readonly workers: number;
  readonly delivery: string;
  /** Another checkout's bin/clatter.js, for clatter-baseline. */
  readonly baselineCli: string | undefined;
  readonly baselineDir: string | undefined;
  /** The configurations measured, in configNames' order. */
  readonly configs: readonly ConfigName[];
  readonly freshEngines: boolean;
}

function isConfigName(name: string): name is ConfigName {
  return (configNames as readonly string[]).includes(name);
}

function chosenConfigs(list: string | undefined, baseline: boolean, delivery: string): ConfigName[] {
  const listed = list === undefined ? configNames.filter((name) => name !== 'clatter-baseline') : list.split(',');
  for (const name of listed) if (!isConfigName(name)) throw new Error(`--configs: no configuration ${name} (${configNames.join(', ')})`);
  const chosen = new Set([...listed, ...(baseline ? ['clatter-baseline'] : [])]);
  if (chosen.has('clatter-baseline') && !baseline) throw new Error('clatter-baseline needs --baseline DIR');
  if (baseline && !chosen.has('clatter')) throw new Error('--baseline is measured beside clatter: keep clatter in --configs');
  // Force-forwarding crosses the forward hook Docker's rules drop on: the engine refuses it there.
  if (delivery === 'force-forwarding' && chosen.delete('clatter-docker-fw')) progress("clatter-docker-fw left out: force-forwarding delivery does not pass Docker's FORWARD DROP");
  return configNames.filter((name) => chosen.has(name));
}

/** The configurations in a round's order: clatter and clatter-baseline swap places every other round. */
function roundOrder(configs: readonly ConfigName[], round: number): readonly ConfigName[] {
  if (round % 2 === 1) return configs;
  return configs.map((name) => (name === 'clatter' ? 'clatter-baseline' : name === 'clatter-baseline' ? 'clatter' : name));
}

function parseOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      offload: { type: 'string', default: 'on' },
      workers: { type: 'string', default: '0' },
      delivery: { type: 'string', default: 'auto' },
      baseline: { type: 'string' },
      configs: { type: 'string' },
      'fresh-engines': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return null;
  }
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--seconds must be a positive integer');
  const offload = values.offload;
  if (offload !== 'on' && offload !== 'off') throw new Error('--offload must be on or off');
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0) throw new Error('--workers must be a whole number');
  const delivery = values.delivery;
  if (!['auto', 'ingress', 'force-forwarding', 'packet-socket'].includes(delivery)) throw new Error('--delivery must be auto, ingress, force-forwarding or packet-socket');
  const baselineDir = values.baseline;
  const baselineCli = baselineDir === undefined ? undefined : checkoutCli(baselineDir);
  const configs = chosenConfigs(values.configs, baselineDir !== undefined, delivery);
  return { rounds, seconds, json: values.json ?? false, offload, workers, delivery, baselineCli, baselineDir, configs, freshEngines: values['fresh-engines'] ?? false };
}

function progress(line: string): void {
  process.stderr.write(`bench:lab: ${line}\n`);
}

async function run(lab: Lab, options: Options): Promise<Record<ConfigName, Sample[]>> {
  const plat = lab.daemons.find((daemon) => daemon.name === `tayga-${lab.isp.nat64[0].tun}`);
  if (plat === undefined) throw new Error("the lab's NAT64 tayga is not among its daemons");
  const ticksPerSecond = await clockTicksPerSecond(lab);
  const engineOptions = { offload: options.offload, workers: options.workers, delivery: options.delivery };
  const engines: TurnEngine[] = [];
  const startEngine = async (build: EngineOptions): Promise<TurnEngine> => {
    const engine = options.freshEngines ? new FreshEngine(lab, build) : await BenchEngine.start(lab, build);
    engines.push(engine);
    return engine;
  };
  const samples = Object.fromEntries(configNames.map((name) => [name, []])) as unknown as Record<ConfigName, Sample[]>;
  let failed = true;
  try {
    const engine = await startEngine(engineOptions);
    const baseline = options.baselineCli === undefined ? null : await startEngine({ ...engineOptions, cli: options.baselineCli, label: 'baseline-engine' });
    const configs = benchConfigs(lab, engine, baseline);
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of roundOrder(options.configs, round)) {
        const config = configs[name];
        if (config === undefined) throw new Error(`${name} has no engine to measure`);
        const label = `round ${round}/${options.rounds} ${name}`;
        progress(`${label}: starting`);
        const sample = await measureTurn(lab, config, {
          seconds: options.seconds,
          ticksPerSecond,
          platPid: plat.pid,
          progress: (line) => progress(`${label}: ${line}`),
        });
        samples[name].push(sample);
      }
    }
    failed = false;
  } finally {
    // After a failure, that failure is the one to report (the lab's teardown stops the engines anyway).
    for (const engine of engines) {
      await engine.stop().catch((error: Error) => {
        if (!failed) throw error;
        progress(`stopping the engine: ${error.message}`);
      });
    }
  }
  return samples;
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (options === null) return 0;
  const startedMs = performance.now();
  progress(`creating the lab (${options.rounds} rounds × ${options.configs.length} configurations, ${options.seconds} s per iperf3 run)`);
  const lab = await createLab();
  let samples: Record<ConfigName, Sample[]>;
  try {
    progress(`lab ${lab.id} ready in ${(lab.createdInMs / 1000).toFixed(1)} s`);
    samples = await run(lab, options);
  } finally {
    await lab.destroy();
  }
  const summary = summarise(samples);
  const ratioTable = ratios(summary);
  const baselineTable = baselineRatios(samples);
  const tookS = (performance.now() - startedMs) / 1000;
  progress(`done in ${tookS.toFixed(0)} s; lab removed`);
  const context = {
    node: process.version,
    kernel: release(),
    rounds: options.rounds,
    offload: options.offload,
    workers: options.workers,
    delivery: options.delivery,
    freshEngines: options.freshEngines,
    configs: options.configs,
    baseline: options.baselineDir,
    secondsPerIperf3Run: options.seconds,
    target: { ipv4: lab.server.ipv4, ipv6Native: lab.server.viaNat64[0] },
    udpPayloadBytes,
    ping: { count: pingCount, intervalS: pingIntervalS },
    fastPing: { count: fastPingCount, intervalS: fastPingIntervalS },
    idleSeconds,
  };
  if (options.json) {
    // Six significant digits: CPU ticks and bit rates carry no more, and 0.010000000000000009 helps no one.
    const rounded = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value);
    process.stdout.write(`${JSON.stringify({ ...context, samples, summary, ratios: { ...ratioTable, clatterToBaselinePerRound: baselineTable } }, rounded, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `Lab benchmark: host namespace → ${lab.server.ipv4} (ipv6-native: ${lab.server.viaNat64[0]}); node ${process.version}, Linux ${release()}\n` +
      `${options.rounds} round(s), ${options.seconds} s per iperf3 run; clatter with --offload ${options.offload} --workers ${options.workers} --delivery ${options.delivery}${options.freshEngines ? ', a new engine each turn' : ''}; cells: median (min–max) over the rounds\n` +
      (options.baselineDir === undefined ? '' : `clatter-baseline: the engine of ${options.baselineDir} with the same arguments, beside clatter in every round (alternately first)\n`) +
      `UDP: ${udpPayloadBytes}-byte payloads at full speed (-b 0); ping: ${pingCount} at ${pingIntervalS} s, ${fastPingCount} at ${fastPingIntervalS} s; CPU s/GB: CPU seconds of the process per GB of payload received\n\n`,
  );
  process.stdout.write(formatTable(summary, ratioTable, options.configs, baselineTable));
  return 0;
}

// On a signal, exit at once: the exit runs the lab's cleanup (core/lab/exit-cleanup.ts), and the
// measurement under way, whose processes that cleanup kills, has nothing left to report.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping and removing the lab`);
    process.exit(code);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
