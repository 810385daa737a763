// The two trace panes' rows (features/traces/trace-rows.ts), at most `maxRowsPerPane` each, the
// oldest let go first. Paused: the panes stand still and new pairs are only counted, so a
// presenter can point at a packet. Follow: the panes keep to the newest row. The highlighted pair
// (hover) and the selected one (click) light up a packet and its twin on the other side.

import { create } from 'zustand';
import type { TracePairJson } from '../../core/api/trace-wire.js';
import { rowsOfPair, type TraceRow } from '../features/traces/trace-rows.js';

export const maxRowsPerPane = 2000;

export interface TraceState {
  readonly v4Rows: readonly TraceRow[];
  readonly v6Rows: readonly TraceRow[];
  readonly paused: boolean;
  readonly follow: boolean;
  readonly filter: string;
  readonly highlightedPair: number | null;
  readonly selectedPair: number | null;
  /** Pairs the engine or the host left out to keep their rate bounds, and pairs overwritten before they were read. */
  readonly skipped: number;
  readonly lost: number;
  /** Pairs that arrived while paused (not shown). */
  readonly missedWhilePaused: number;
  add(pairs: readonly TracePairJson[], skipped: number, lost: number): void;
  setPaused(paused: boolean): void;
  setFollow(follow: boolean): void;
  setFilter(filter: string): void;
  highlight(pairId: number | null): void;
  select(pairId: number | null): void;
  clear(): void;
}

function appendBounded(rows: readonly TraceRow[], more: readonly TraceRow[]): readonly TraceRow[] {
  if (more.length === 0) return rows;
  const joined = rows.concat(more);
  return joined.length > maxRowsPerPane ? joined.slice(joined.length - maxRowsPerPane) : joined;
}

export const useTrace = create<TraceState>()((set) => ({
  v4Rows: [],
  v6Rows: [],
  paused: false,
  follow: true,
  filter: '',
  highlightedPair: null,
  selectedPair: null,
  skipped: 0,
  lost: 0,
  missedWhilePaused: 0,
  add: (pairs, skipped, lost) =>
    set((state) => {
      if (state.paused) return { missedWhilePaused: state.missedWhilePaused + pairs.length, skipped: state.skipped + skipped, lost: state.lost + lost };
      const v4: TraceRow[] = [];
      const v6: TraceRow[] = [];
      // Pairs older than a pane holds would only be described to be let go at once.
      for (let i = Math.max(0, pairs.length - maxRowsPerPane); i < pairs.length; i++) {
        for (const row of rowsOfPair(pairs[i])) (row.family === 4 ? v4 : v6).push(row);
      }
      return { v4Rows: appendBounded(state.v4Rows, v4), v6Rows: appendBounded(state.v6Rows, v6), skipped: state.skipped + skipped, lost: state.lost + lost };
    }),
  setPaused: (paused) => set(paused ? { paused } : { paused, missedWhilePaused: 0 }),
  setFollow: (follow) => set({ follow }),
  setFilter: (filter) => set({ filter }),
  highlight: (highlightedPair) => set({ highlightedPair }),
  select: (selectedPair) => set((state) => ({ selectedPair: state.selectedPair === selectedPair ? null : selectedPair })),
  clear: () => set({ v4Rows: [], v6Rows: [], highlightedPair: null, selectedPair: null, skipped: 0, lost: 0, missedWhilePaused: 0 }),
}));
