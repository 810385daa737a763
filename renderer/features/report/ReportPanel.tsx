// The IPv4-dependency report: every program that needed IPv4 through the CLAT since the engine
// started, and whom it reached — what an operator needs to know before turning IPv4 off for good.

import { useState } from 'react';
import type { DependencyEntry } from '../../../core/observe/dependency-ledger.js';
import { useBridge } from '../../bridge-context.js';
import { Card } from '../../ui/Card.js';
import { formatAge, formatBytes, formatProtocol } from '../../ui/format.js';

type Report = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; sinceMs: number; atMs: number; entries: readonly DependencyEntry[] } | { state: 'failed'; message: string };

export function ReportPanel() {
  const bridge = useBridge();
  const [report, setReport] = useState<Report>({ state: 'idle' });
  const load = () => {
    setReport({ state: 'loading' });
    void bridge.loadReport().then((result) =>
      setReport(result.ok ? { state: 'ready', sinceMs: result.sinceMs, atMs: Date.now(), entries: result.entries } : { state: 'failed', message: result.message }),
    );
  };
  return (
    <Card
      title="IPv4-dependency report"
      className="report"
      testId="report"
      actions={
        <button type="button" className="button button-small" onClick={load} disabled={report.state === 'loading'} data-testid="report-load">
          {report.state === 'idle' ? 'Build report' : 'Refresh'}
        </button>
      }
    >
      {report.state === 'idle' && <p className="muted">Which programs on this machine still need IPv4, and for which addresses.</p>}
      {report.state === 'loading' && <p className="muted">Asking the engine…</p>}
      {report.state === 'failed' && <p className="error">Could not build the report: {report.message}</p>}
      {report.state === 'ready' &&
        (report.entries.length === 0 ? (
          <p className="muted">No program has used IPv4 through the CLAT since the engine started ({formatAge(report.sinceMs, report.atMs)}).</p>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="report-table">
              <thead>
                <tr>
                  <th>Program</th>
                  <th>IPv4 address</th>
                  <th>Protocols</th>
                  <th className="num">Flows</th>
                  <th className="num">Bytes</th>
                  <th>Last use</th>
                </tr>
              </thead>
              <tbody>
                {report.entries.map((entry) => (
                  <tr key={`${entry.executable ?? ''} ${entry.remote}`} data-program={entry.program}>
                    <td title={entry.executable ?? undefined}>
                      {entry.program}
                      {entry.user !== null && <span className="muted"> ({entry.user})</span>}
                    </td>
                    <td>
                      {entry.remote}
                      {entry.remoteName !== null && <div className="muted">{entry.remoteName}</div>}
                    </td>
                    <td>{entry.protocols.map(formatProtocol).join(', ')}</td>
                    <td className="num">{entry.flows}</td>
                    <td className="num">{formatBytes(entry.bytes46 + entry.bytes64)}</td>
                    <td className="muted">{formatAge(entry.lastUseMs, report.atMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </Card>
  );
}
