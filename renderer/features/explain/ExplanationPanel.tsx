// The selected pair explained: what the translator did to each header field, by which rule, with
// both packets' bytes. It opens when a trace row is selected and follows the selection; up and down
// move between pairs, Escape closes (use-pair-keys.ts).

import { memo } from 'react';
import { useExplain } from '../../stores/explain-store.js';
import { useTrace } from '../../stores/trace-store.js';
import { ExplanationNotes } from './ExplanationNotes.js';
import { PacketBytes } from './PacketBytes.js';
import { StepTable } from './StepTable.js';
import { sidesOf } from './step-rows.js';
import { useExplanation } from './use-explanation.js';
import { usePairKeys } from './use-pair-keys.js';

function directionText(direction: 46 | 64): string {
  return direction === 46 ? 'out: IPv4 → IPv6' : 'in: IPv6 → IPv4';
}

function Body() {
  const view = useExplain((state) => state.view);
  if (view.state === 'loading') return <div className="muted explain-status">Asking the engine…</div>;
  if (view.state === 'failed') {
    return (
      <div className="error explain-status" data-testid="explain-error">
        Cannot explain pair #{view.pairId}: {view.message}
      </div>
    );
  }
  if (view.state !== 'ready') return null;
  const { explanation } = view;
  const sides = sidesOf(explanation);
  return (
    <>
      <ExplanationNotes explanation={explanation} />
      <div className="explain-body">
        <StepTable explanation={explanation} leftTitle={sides.left.title} rightTitle={sides.right.title} />
        <PacketBytes explanation={explanation} />
      </div>
    </>
  );
}

// Memo: the trace panes above it redraw on every batch of rows; the explanation only on its own state.
export const ExplanationPanel = memo(function ExplanationPanel(props: { large?: boolean }) {
  useExplanation();
  const view = useExplain((state) => state.view);
  usePairKeys(view.state !== 'closed');
  if (view.state === 'closed') return null;
  const explanation = view.state === 'ready' ? view.explanation : null;
  return (
    <section className={`explain ${props.large === true ? 'explain-large' : ''}`} data-testid="explain" data-pair={view.pairId} data-state={view.state} aria-label={`pair ${view.pairId} explained`}>
      <header className="explain-header">
        <span className="explain-title">Pair #{view.pairId}</span>
        {explanation !== null && (
          <span className="muted">
            {directionText(explanation.direction)} · {explanation.verdict}
          </span>
        )}
        <span className="muted explain-keys">↑ ↓ other pairs · Esc closes</span>
        <button type="button" className="button button-small" data-testid="explain-close" onClick={() => useTrace.getState().select(null)}>
          Close
        </button>
      </header>
      <Body />
    </section>
  );
});
