// `clatter demo`'s apps as the screen shows them (null outside a demo), and the last error of a
// start or stop the user asked for.

import { create } from 'zustand';
import type { DemoState } from '../../core/api/ui-schema.js';

export interface DemoStore {
  readonly demo: DemoState | null;
  readonly error: string | null;
  set(demo: DemoState | null): void;
  fail(error: string | null): void;
}

export const useDemo = create<DemoStore>()((set) => ({
  demo: null,
  error: null,
  set: (demo) => set({ demo }),
  fail: (error) => set({ error }),
}));
