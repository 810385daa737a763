// The engine's flow table as the screen knows it, by flow id (ids are never reused). Bounded by
// the engine's table (8192 flows).

import { create } from 'zustand';
import { programName } from '../../core/observe/dependency-ledger.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';

export interface FlowsState {
  readonly flows: ReadonlyMap<number, FlowInfo>;
  replace(flows: readonly FlowInfo[]): void;
  apply(changed: readonly FlowInfo[], removed: readonly number[], replaced: boolean): void;
}

export const useFlows = create<FlowsState>()((set) => ({
  flows: new Map(),
  replace: (flows) => set({ flows: new Map(flows.map((flow) => [flow.id, flow])) }),
  apply: (changed, removed, replaced) =>
    set((state) => {
      if (changed.length === 0 && removed.length === 0 && !replaced) return state;
      const next = replaced ? new Map<number, FlowInfo>() : new Map(state.flows);
      for (const flow of changed) next.set(flow.id, flow);
      for (const id of removed) next.delete(id);
      return { flows: next };
    }),
}));

/** Flows newest activity first. */
export function flowsByRecency(flows: ReadonlyMap<number, FlowInfo>): FlowInfo[] {
  return [...flows.values()].sort((a, b) => b.lastSeenMs - a.lastSeenMs || b.id - a.id);
}

/** The short name of a flow's program ("curl"), as the report names it; null when unknown. */
export function flowProgramName(flow: FlowInfo): string | null {
  return flow.program === null ? null : programName(flow.program.executable);
}
