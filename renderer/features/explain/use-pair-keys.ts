// The explanation's keys: up and down move to the previous or next pair shown in the trace panes
// (the explanation follows the selection), Escape closes it. The listener captures, so it runs
// before presentation mode's own Escape, and marks the key handled (preventDefault): one Escape
// closes the explanation, the next leaves presentation mode.

import { useEffect } from 'react';
import { useTrace } from '../../stores/trace-store.js';
import { matchingPairs } from '../traces/trace-rows.js';
import { adjacentPair, shownPairIds } from './pair-navigation.js';

/** Keys typed into a field (the trace filter) are the field's. */
function typing(target: EventTarget | null): boolean {
  const element = target as { tagName?: string; isContentEditable?: boolean } | null;
  return element?.tagName === 'INPUT' || element?.tagName === 'TEXTAREA' || element?.isContentEditable === true;
}

export function usePairKeys(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || typing(event.target)) return;
      const trace = useTrace.getState();
      if (event.key === 'Escape') {
        event.preventDefault();
        trace.select(null);
        return;
      }
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
      event.preventDefault();
      const ids = shownPairIds(matchingPairs(trace.filter, trace.v4Rows, trace.v6Rows), trace.v4Rows, trace.v6Rows);
      const next = adjacentPair(ids, trace.selectedPair, event.key === 'ArrowDown' ? 1 : -1);
      if (next !== null && next !== trace.selectedPair) {
        // The panes stand still on the selected row rather than run on to the newest.
        trace.setFollow(false);
        trace.select(next);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [active]);
}
