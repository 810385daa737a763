// Up and down in the explanation move between the pairs the trace panes show (the filter
// applied), in pair order, so the panel and the panes tell the same story.

import type { TraceRow } from '../traces/trace-rows.js';

/** The pair numbers on screen, ascending, each once (a translated pair has a row on each side). */
export function shownPairIds(matches: ReadonlySet<number> | null, ...panes: readonly (readonly TraceRow[])[]): number[] {
  const ids = new Set<number>();
  for (const rows of panes) for (const row of rows) if (matches === null || matches.has(row.pairId)) ids.add(row.pairId);
  return [...ids].sort((a, b) => a - b);
}

/**
 * The pair `step` places from `current` in `ids` (ascending): down (+1) is newer, up (-1) older.
 * At either end it stays; from a pair no longer shown, it goes to the nearest one that way.
 */
export function adjacentPair(ids: readonly number[], current: number | null, step: 1 | -1): number | null {
  if (ids.length === 0) return null;
  if (current === null) return step === 1 ? ids[0] : ids[ids.length - 1];
  if (step === 1) return ids.find((id) => id > current) ?? ids[ids.length - 1];
  for (let i = ids.length - 1; i >= 0; i--) if (ids[i] < current) return ids[i];
  return ids[0];
}
