// Presentation mode for live demos: big type, high contrast, full screen; only the toggle, the
// prefix and the two traces moving together. Escape (or the button) goes back.

import { useCallback, useEffect } from 'react';
import { useBridge } from '../../bridge-context.js';
import { useView } from '../../stores/view-store.js';
import { DemoApps } from '../demo/DemoApps.js';
import { ReplyHealthBanner } from '../health/ReplyHealthBanner.js';
import { LinkBanner } from '../link/LinkBanner.js';
import { PrefixCard } from '../prefix/PrefixCard.js';
import { ClatToggle } from '../toggle/ClatToggle.js';
import { TracePanes } from '../traces/TracePanes.js';

export function PresentationView() {
  const bridge = useBridge();
  const setPresentation = useView((state) => state.setPresentation);
  // Escape and the button alike: the view, and the window's full screen (Electron's stays otherwise).
  const exit = useCallback(() => {
    setPresentation(false);
    void bridge.setFullScreen(false);
  }, [bridge, setPresentation]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // An open explanation takes the Escape for itself (features/explain/use-pair-keys.ts).
      if (event.key === 'Escape' && !event.defaultPrevented) exit();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [exit]);
  return (
    <div className="presentation" data-testid="presentation">
      <LinkBanner />
      <ReplyHealthBanner />
      <div className="presentation-top">
        <ClatToggle large />
        <PrefixCard compact />
        <button type="button" className="button presentation-exit" onClick={exit}>
          Exit
        </button>
      </div>
      <DemoApps large />
      <TracePanes large toolbar={false} />
    </div>
  );
}
