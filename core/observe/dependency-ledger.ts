// The IPv4-dependency report's memory: which programs reached which IPv4 addresses through the
// CLAT, with bytes and first/last use, for the engine's whole life, not only for the flows still in
// the table. Flows report their cumulative counts; the ledger keeps each live flow's latest view and
// folds it into the totals of its (program, remote) when the flow expires. Bounded: at most
// `maxEntries` (program, remote) pairs; beyond that the least recently used one is dropped (counted).

import type { FlowChanges, FlowInfo } from './flow-info.js';

export interface DependencyEntry {
  /** The program's short name (the executable's file name), or "unknown" before attribution. */
  readonly program: string;
  readonly executable: string | null;
  readonly user: string | null;
  readonly remote: string;
  readonly remoteName: string | null;
  /** IPv4 protocol numbers used (6 TCP, 17 UDP, 1 ICMP, …). */
  readonly protocols: readonly number[];
  readonly flows: number;
  readonly packets46: number;
  readonly bytes46: number;
  readonly packets64: number;
  readonly bytes64: number;
  readonly firstUseMs: number;
  readonly lastUseMs: number;
}

type Totals = { -readonly [K in keyof DependencyEntry]: DependencyEntry[K] } & { protocols: number[] };

export function programName(executable: string | null): string {
  if (executable === null) return 'unknown';
  const slash = executable.lastIndexOf('/');
  return slash < 0 ? executable : executable.slice(slash + 1);
}

function keyOf(flow: FlowInfo): string {
  return `${flow.program?.executable ?? ''}\u0000${flow.v4.remote}`;
}

export class DependencyLedger {
  private readonly live = new Map<number, FlowInfo>();
  private readonly folded = new Map<string, Totals>();
  droppedEntries = 0;

  constructor(private readonly maxEntries = 10_000) {}

  /** Takes the flow table's changes (FlowTable.changedSince); `all` when the changes are incomplete. */
  update(changes: FlowChanges, all: () => FlowInfo[]): void {
    for (const flow of changes.changed) this.live.set(flow.id, flow);
    for (const id of changes.removed) this.retire(id);
    if (!changes.complete) {
      const present = new Set(all().map((flow) => flow.id));
      for (const id of [...this.live.keys()]) if (!present.has(id)) this.retire(id);
    }
  }

  report(): DependencyEntry[] {
    const merged = new Map<string, Totals>();
    for (const [key, totals] of this.folded) merged.set(key, { ...totals, protocols: [...totals.protocols] });
    for (const flow of this.live.values()) add(merged, flow);
    return [...merged.values()].sort((a, b) => b.bytes46 + b.bytes64 - (a.bytes46 + a.bytes64));
  }

  private retire(id: number): void {
    const flow = this.live.get(id);
    if (flow === undefined) return;
    this.live.delete(id);
    add(this.folded, flow);
    const key = keyOf(flow);
    // Most recently used last: re-insert, then drop from the front when over the bound.
    const totals = this.folded.get(key)!;
    this.folded.delete(key);
    this.folded.set(key, totals);
    while (this.folded.size > this.maxEntries) {
      this.folded.delete(this.folded.keys().next().value as string);
      this.droppedEntries++;
    }
  }
}

function add(into: Map<string, Totals>, flow: FlowInfo): void {
  const key = keyOf(flow);
  const existing = into.get(key);
  if (existing === undefined) {
    into.set(key, {
      program: programName(flow.program?.executable ?? null),
      executable: flow.program?.executable ?? null,
      user: flow.program?.user ?? null,
      remote: flow.v4.remote,
      remoteName: flow.remoteName,
      protocols: [flow.protocol],
      flows: 1,
      packets46: flow.packets46,
      bytes46: flow.bytes46,
      packets64: flow.packets64,
      bytes64: flow.bytes64,
      firstUseMs: flow.firstSeenMs,
      lastUseMs: flow.lastSeenMs,
    });
    return;
  }
  existing.flows++;
  existing.packets46 += flow.packets46;
  existing.bytes46 += flow.bytes46;
  existing.packets64 += flow.packets64;
  existing.bytes64 += flow.bytes64;
  existing.firstUseMs = Math.min(existing.firstUseMs, flow.firstSeenMs);
  existing.lastUseMs = Math.max(existing.lastUseMs, flow.lastSeenMs);
  existing.remoteName ??= flow.remoteName;
  if (!existing.protocols.includes(flow.protocol)) existing.protocols.push(flow.protocol);
}
