// The explanation panel's state: which pair it explains (the trace store's selected pair) and how
// far the engine's answer is, and which step is lit in the hex view. Answers for a pair no longer
// selected are let go: up and down can outrun the engine.

import { create } from 'zustand';
import type { Explanation } from '../../core/api/explanation.js';

export type ExplainView =
  | { readonly state: 'closed' }
  | { readonly state: 'loading'; readonly pairId: number }
  | { readonly state: 'ready'; readonly pairId: number; readonly explanation: Explanation }
  | { readonly state: 'failed'; readonly pairId: number; readonly message: string };

export interface ExplainState {
  readonly view: ExplainView;
  /** The step whose fields are lit in both packets' bytes (an index into `explanation.steps`). */
  readonly selectedStep: number | null;
  open(pairId: number): void;
  /** The engine's answer for `pairId`; ignored unless that pair is still the one loading. */
  answer(pairId: number, result: { ok: true; explanation: Explanation; firstStep: number | null } | { ok: false; message: string }): void;
  selectStep(index: number | null): void;
  close(): void;
}

export const useExplain = create<ExplainState>()((set) => ({
  view: { state: 'closed' },
  selectedStep: null,
  open: (pairId) => set({ view: { state: 'loading', pairId }, selectedStep: null }),
  answer: (pairId, result) =>
    set((state) => {
      if (state.view.state !== 'loading' || state.view.pairId !== pairId) return {};
      if (!result.ok) return { view: { state: 'failed', pairId, message: result.message } };
      return { view: { state: 'ready', pairId, explanation: result.explanation }, selectedStep: result.firstStep };
    }),
  selectStep: (selectedStep) => set({ selectedStep }),
  close: () => set({ view: { state: 'closed' }, selectedStep: null }),
}));
