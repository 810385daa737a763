// How the screen is laid out: the full monitor, or presentation mode for live demos (big type,
// high contrast, only the toggle, the prefix and the two traces).

import { create } from 'zustand';

export interface ViewState {
  readonly presentation: boolean;
  setPresentation(presentation: boolean): void;
}

export const useView = create<ViewState>()((set) => ({
  presentation: false,
  setPresentation: (presentation) => set({ presentation }),
}));
