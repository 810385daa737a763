// Keeps the explanation store on the trace store's selected pair: a pair selected asks the engine
// (through the bridge) to explain it; none selected closes the panel.

import { useEffect } from 'react';
import { useBridge } from '../../bridge-context.js';
import { useExplain } from '../../stores/explain-store.js';
import { useTrace } from '../../stores/trace-store.js';
import { firstInterestingStep } from './step-rows.js';

export function useExplanation(): void {
  const bridge = useBridge();
  const selected = useTrace((state) => state.selectedPair);
  useEffect(() => {
    const { open, answer, close } = useExplain.getState();
    if (selected === null) {
      close();
      return;
    }
    open(selected);
    void bridge.explain(selected).then((result) =>
      answer(selected, result.ok ? { ok: true, explanation: result.explanation, firstStep: firstInterestingStep(result.explanation) } : result),
    );
  }, [bridge, selected]);
}
