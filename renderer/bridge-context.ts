// The bridge's actions, for components (the stores carry the data).

import { createContext, useContext } from 'react';
import type { Bridge } from './bridge.js';

export const BridgeContext = createContext<Bridge | null>(null);

export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (bridge === null) throw new Error('useBridge outside <BridgeContext.Provider>');
  return bridge;
}
