// Runs the demo's IPv4-only apps (demo-apps.ts) in the lab's host namespace, where the CLAT is:
// starts and stops them on request (the screen, the CLI), restarts one that exits while it should
// run (curl after each download, ping after "Network is unreachable"), reads their output into
// their health (app-health.ts), and tells listeners when what the screen shows changes.

import type { DemoAppState, DemoAppSwitch, DemoState, DemoSwitchResult } from '../../api/ui-schema.js';
import type { Lab } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';
import type { DemoControl } from '../../ui-server/ui-server.js';
import { AppHealth } from '../app-health.js';
import { demoAppNames, demoApps, type DemoAppName, type DemoAppSpec, type DemoTarget, type LineVerdict } from '../demo-apps.js';

const restartAfterFailureMs = 1_000;
const restartAfterSuccessMs = 300;
const checkEveryMs = 250;

class RunningApp {
  readonly health = new AppHealth();
  wanted = false;
  process: LabProcess | null = null;
  restartTimer: NodeJS.Timeout | null = null;

  constructor(readonly spec: DemoAppSpec) {}
}

export class DemoAppRunner implements DemoControl {
  private readonly apps: Record<DemoAppName, RunningApp>;
  private readonly listeners: ((state: DemoState) => void)[] = [];
  private readonly ticker: NodeJS.Timeout;
  private lastSent = '';

  constructor(
    private readonly lab: Lab,
    private readonly target: DemoTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.apps = Object.fromEntries(demoAppNames.map((name) => [name, new RunningApp(demoApps[name])])) as Record<DemoAppName, RunningApp>;
    this.ticker = setInterval(() => this.notifyIfChanged(), checkEveryMs);
    this.ticker.unref();
  }

  state(): DemoState {
    const nowMs = this.now();
    const apps: DemoAppState[] = demoAppNames.map((name) => {
      const app = this.apps[name];
      const view = app.health.view(nowMs);
      return { name, title: app.spec.title, description: app.spec.description, program: app.spec.program, running: app.wanted, health: view.health, detail: view.detail };
    });
    return { server: this.target.server, apps };
  }

  onChange(listener: (state: DemoState) => void): void {
    this.listeners.push(listener);
  }

  async setApp(change: DemoAppSwitch): Promise<DemoSwitchResult> {
    const app = this.apps[change.app];
    if (change.running && !app.wanted) {
      app.wanted = true;
      app.health.start(this.now());
      this.spawn(app);
    } else if (!change.running && app.wanted) {
      await this.halt(app);
    }
    this.notifyIfChanged();
    return { ok: true, state: this.state() };
  }

  async stopAll(): Promise<void> {
    clearInterval(this.ticker);
    await Promise.all(demoAppNames.map((name) => this.halt(this.apps[name])));
  }

  private async halt(app: RunningApp): Promise<void> {
    app.wanted = false;
    app.health.stop();
    if (app.restartTimer !== null) clearTimeout(app.restartTimer);
    app.restartTimer = null;
    const process = app.process;
    app.process = null;
    await process?.stop();
  }

  private spawn(app: RunningApp): void {
    const process = this.lab.spawn('host', app.spec.argv(this.target), { name: `demo ${app.spec.name}` });
    app.process = process;
    const read = (verdict: LineVerdict) => {
      if (verdict !== null && app.process === process) app.health.report(verdict.ok, verdict.detail, this.now());
    };
    let partial = '';
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) read(app.spec.readLine(line.trim()));
      this.notifyIfChanged();
    };
    process.child.stdout?.on('data', onData);
    process.child.stderr?.on('data', onData);
    void process.exited.then((exit) => {
      if (app.process !== process) return;
      app.process = null;
      const verdict = app.spec.readExit(exit.code);
      read(verdict);
      if (!app.wanted) return;
      const failed = verdict !== null && !verdict.ok;
      app.restartTimer = setTimeout(() => {
        app.restartTimer = null;
        if (app.wanted && app.process === null) this.spawn(app);
      }, failed ? restartAfterFailureMs : restartAfterSuccessMs);
      this.notifyIfChanged();
    });
  }

  private notifyIfChanged(): void {
    const state = this.state();
    const text = JSON.stringify(state);
    if (text === this.lastSent) return;
    this.lastSent = text;
    for (const listener of this.listeners) listener(state);
  }
}
