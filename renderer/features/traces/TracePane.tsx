// One side's packets, virtualized: only the rows in view are in the DOM, so 2000 rows cost what 30
// do. Following, it keeps to the newest row; scrolling up stops following. A row lights up when it
// or its twin on the other side is hovered or selected; selecting a row brings its twin into view.

import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { useTrace } from '../../stores/trace-store.js';
import { formatClock } from '../../ui/format.js';
import type { LineContext } from './line-parts.js';
import type { TraceRow } from './trace-rows.js';
import { TraceLine } from './TraceLine.js';

function rowClass(row: TraceRow, highlighted: boolean, selected: boolean): string {
  const classes = ['trace-row'];
  if (row.generated && row.role === 'output') classes.push('trace-row-error');
  else if (row.dropped) classes.push('trace-row-dropped');
  if (highlighted) classes.push('trace-row-highlighted');
  if (selected) classes.push('trace-row-selected');
  return classes.join(' ');
}

function arrow(row: TraceRow): string {
  // Out (46) goes from the IPv4 side to the IPv6 side; in (64) the other way.
  return row.direction === 46 ? '→' : '←';
}

export const TracePane = memo(function TracePane(props: {
  family: 4 | 6;
  rows: readonly TraceRow[];
  rowHeight: number;
  title: string;
  subtitle: string;
  lineContext: LineContext;
}) {
  const { rows, rowHeight } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const follow = useTrace((state) => state.follow);
  const highlighted = useTrace((state) => state.highlightedPair);
  const selected = useTrace((state) => state.selectedPair);
  const { highlight, select, setFollow } = useTrace.getState();
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });

  // Following: straight to the bottom, computed from the fixed row height. (The virtualizer's
  // scrollToIndex measures the element's scroll range again and again until it settles: under a
  // full-speed trace that was most of the page's main-thread time.)
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!follow || element === null || rows.length === 0) return;
    element.scrollTop = rows.length * rowHeight;
  }, [follow, rows, rowHeight]);

  useEffect(() => {
    if (selected === null) return;
    const index = rows.findIndex((row) => row.pairId === selected);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
    // Only when the selection changes, not on every new row.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  return (
    <section className={`trace-pane trace-pane-v${props.family}`} data-testid={`trace-v${props.family}`}>
      <header className="trace-pane-header">
        <span className="trace-pane-title">{props.title}</span>
        <span className="muted"> {props.subtitle}</span>
      </header>
      <div
        className="trace-scroll"
        ref={scrollRef}
        onScroll={(event) => {
          const element = event.currentTarget;
          const atBottom = rows.length * rowHeight - element.scrollTop - element.clientHeight < rowHeight * 2;
          if (!atBottom && useTrace.getState().follow) setFollow(false);
        }}
      >
        {rows.length === 0 && <div className="trace-empty muted">No packets yet.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={row.key}
                className={rowClass(row, highlighted === row.pairId, selected === row.pairId)}
                data-testid="trace-row"
                data-pair={row.pairId}
                data-highlighted={highlighted === row.pairId || selected === row.pairId}
                style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
                onMouseEnter={() => highlight(row.pairId)}
                onMouseLeave={() => highlight(null)}
                onClick={() => select(row.pairId)}
                title={row.dropped ? `not translated: ${row.verdict}` : `pair #${row.pairId}`}
              >
                <span className="trace-time">{formatClock(row.atMs)}</span>
                <span className="trace-pair">#{row.pairId}</span>
                <span className="trace-arrow">{arrow(row)}</span>
                <TraceLine line={row.line} context={props.lineContext} />
                {row.program !== null && <span className="trace-program">{row.program}</span>}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
});
