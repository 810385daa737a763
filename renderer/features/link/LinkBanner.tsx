// What is wrong with the engine link, and what to do: connecting, not running (with the command,
// and a button where the host can start it), no permission, an untrusted socket, lost.

import { useEffect, useState } from 'react';
import { useBridge } from '../../bridge-context.js';
import { useSession } from '../../stores/session-store.js';
import { useNow } from '../../ui/use-now.js';

const titles = {
  'not-running': 'The Clatter engine is not running',
  'no-permission': 'No permission to talk to the engine',
  'untrusted-socket': 'The engine socket is not trustworthy',
  lost: 'Lost the engine',
} as const;

export function LinkBanner() {
  const link = useSession((state) => state.link);
  const socketPath = useSession((state) => state.socketPath);
  const canStart = useSession((state) => state.host?.canStartEngine ?? false);
  const bridge = useBridge();
  const now = useNow(500);
  const [starting, setStarting] = useState<string | null>(null);
  // What a start said belongs to the link it was said under (the banner stays mounted while connected).
  useEffect(() => setStarting(null), [link.state]);
  if (link.state === 'connected') return null;
  if (link.state === 'connecting') {
    return (
      <div className="banner banner-info" role="status" data-testid="link-banner" data-problem="connecting">
        Connecting to the engine{socketPath !== null ? ` at ${socketPath}` : ''}…
      </div>
    );
  }
  const retryInS = Math.max(0, Math.ceil((link.retryAtMs - now) / 1000));
  return (
    <div className="banner banner-error" role="alert" data-testid="link-banner" data-problem={link.problem}>
      <strong>{titles[link.problem]}</strong>
      <p>{link.message}</p>
      <p className="fix">{link.fix}</p>
      <p className="muted">Trying again {retryInS === 0 ? 'now' : `in ${retryInS} s`}.</p>
      {canStart && link.problem === 'not-running' && (
        <button
          className="button"
          onClick={() => {
            setStarting('Starting the engine (you may be asked for your password)…');
            void bridge.startEngine().then((result) => {
              // Connected already (the relay was quicker): nothing left to say.
              if (useSession.getState().link.state !== 'unavailable') return;
              setStarting(result.ok ? 'Engine started; connecting…' : `Could not start the engine: ${result.error}`);
            });
          }}
        >
          Start the engine
        </button>
      )}
      {starting !== null && <p>{starting}</p>}
    </div>
  );
}
