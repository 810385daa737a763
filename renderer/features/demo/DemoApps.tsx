// The demo's IPv4-only apps (`clatter demo`): each with a light (working, failing, starting,
// stopped), its own latest words, and a start/stop button. With the CLAT off they fail in plain
// sight; on again, they come back: the point of the demo.

import type { DemoAppState } from '../../../core/api/ui-schema.js';
import { useBridge } from '../../bridge-context.js';
import { useDemo } from '../../stores/demo-store.js';

const healthWords = { working: 'works', failing: 'fails', starting: 'starting', stopped: 'stopped' } as const;

function DemoApp(props: { app: DemoAppState; large: boolean }) {
  const bridge = useBridge();
  const { app } = props;
  return (
    <div className={`demo-app demo-${app.health}`} data-testid={`demo-app-${app.name}`} data-health={app.health}>
      <span className="demo-light" aria-hidden="true" />
      <div className="demo-text">
        <div>
          <strong>{app.title}</strong> <span className="demo-health">{healthWords[app.health]}</span>
        </div>
        <div className="muted demo-detail" data-testid={`demo-detail-${app.name}`}>
          {app.running ? app.detail : props.large ? '' : app.description}
        </div>
      </div>
      <button type="button" className="button button-small" data-testid={`demo-toggle-${app.name}`} onClick={() => void bridge.setDemoApp(app.name, !app.running)}>
        {app.running ? 'Stop' : 'Start'}
      </button>
    </div>
  );
}

export function DemoApps(props: { large?: boolean }) {
  const demo = useDemo((state) => state.demo);
  const error = useDemo((state) => state.error);
  if (demo === null) return null;
  return (
    <section className={`demo-apps ${props.large ? 'demo-apps-large' : ''}`} data-testid="demo-apps">
      <div className="demo-apps-title">
        IPv4-only apps → <span className="mono">{demo.server}</span>
      </div>
      <div className="demo-apps-list">
        {demo.apps.map((app) => (
          <DemoApp key={app.name} app={app} large={props.large ?? false} />
        ))}
      </div>
      {error !== null && <div className="error">{error}</div>}
    </section>
  );
}
