// The screen: the engine link's trouble (if any), replies not arriving (if so), the toggle, the prefix, the traffic, the two
// traces side by side, the programs, the report. Or presentation mode.

import { useBridge } from './bridge-context.js';
import { CountersPanel } from './features/counters/CountersPanel.js';
import { DemoApps } from './features/demo/DemoApps.js';
import { FlowsTable } from './features/flows/FlowsTable.js';
import { ReplyHealthBanner } from './features/health/ReplyHealthBanner.js';
import { LinkBanner } from './features/link/LinkBanner.js';
import { PresentationView } from './features/presentation/PresentationView.js';
import { PrefixCard } from './features/prefix/PrefixCard.js';
import { ReportPanel } from './features/report/ReportPanel.js';
import { ClatToggle } from './features/toggle/ClatToggle.js';
import { TracePanes } from './features/traces/TracePanes.js';
import { useSession } from './stores/session-store.js';
import { useView } from './stores/view-store.js';
import { Card } from './ui/Card.js';

export function App() {
  const presentation = useView((state) => state.presentation);
  const setPresentation = useView((state) => state.setPresentation);
  const bridge = useBridge();
  const host = useSession((state) => state.host);
  const linkState = useSession((state) => state.link.state);
  if (presentation) return <PresentationView />;
  return (
    <div className="app">
      <header className="app-header">
        <h1>Clatter</h1>
        <span className={`link-dot link-${linkState}`} title={`engine: ${linkState}`} />
        <span className="muted">464XLAT CLAT{host !== null ? ` · ${host.kind === 'browser' ? 'browser' : 'desktop'} · v${host.version}` : ''}</span>
        <button
          type="button"
          className="button app-present"
          data-testid="presentation-button"
          onClick={() => {
            setPresentation(true);
            void bridge.setFullScreen(true);
          }}
        >
          Presentation mode
        </button>
      </header>
      <LinkBanner />
      <ReplyHealthBanner />
      <DemoApps />
      <main className="grid">
        <Card title="CLAT" className="toggle-card" testId="toggle-card">
          <ClatToggle />
        </Card>
        <PrefixCard />
        <CountersPanel />
        <section className="card traces-card">
          <header className="card-header">
            <h2>Packets, translated: IPv4 on the left, IPv6 on the right</h2>
          </header>
          <TracePanes />
        </section>
        <FlowsTable />
        <ReportPanel />
      </main>
    </div>
  );
}
