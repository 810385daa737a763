// The renderer's stores: the optimistic toggle, the link states, counters and rates, flows by id,
// and the trace panes' rows (twins, bounds, pause, filter).

import { beforeEach, describe, expect, it } from 'vitest';
import { flowProgramName, flowsByRecency, useFlows } from '../../renderer/stores/flows-store.js';
import { initialSession, toggleShowsOn, useSession } from '../../renderer/stores/session-store.js';
import { maxRowsPerPane, useTrace } from '../../renderer/stores/trace-store.js';
import { chartSeconds, dropsByReason, sidePackets, totalDropped, useTraffic } from '../../renderer/stores/traffic-store.js';
import { matchingPairs } from '../../renderer/features/traces/trace-rows.js';
import { counters, droppedPair, echoPair, flow, offStatus, rate, runningStatus, snapshot } from './fixtures.js';

beforeEach(() => {
  useSession.setState(initialSession);
  useFlows.setState({ flows: new Map() });
  useTraffic.setState({ counters: null, rates: [] });
  useTrace.setState({ v4Rows: [], v6Rows: [], paused: false, follow: true, filter: '', highlightedPair: null, selectedPair: null, skipped: 0, lost: 0, missedWhilePaused: 0 });
});

describe('session store', () => {
  it('the toggle shows the wanted state at once, then what the engine says', () => {
    const session = useSession.getState();
    session.setStatus(offStatus);
    expect(toggleShowsOn(useSession.getState())).toBe(false);
    const request = session.beginToggle('on');
    expect(toggleShowsOn(useSession.getState())).toBe(true);
    session.endToggle(request, { ok: true, status: runningStatus });
    expect(useSession.getState().pending).toBeNull();
    expect(toggleShowsOn(useSession.getState())).toBe(true);
  });

  it('a refusal puts the toggle back and keeps the reason', () => {
    const session = useSession.getState();
    session.setStatus(offStatus);
    const request = session.beginToggle('on');
    session.endToggle(request, { ok: false, error: { code: 'native-ipv4', message: 'the host has native IPv4' } });
    expect(toggleShowsOn(useSession.getState())).toBe(false);
    expect(useSession.getState().lastError).toMatchObject({ code: 'native-ipv4', forceHelps: true });
    // The next attempt clears it.
    session.beginToggle('on');
    expect(useSession.getState().lastError).toBeNull();
  });

  it('a lost link drops a pending toggle and keeps the fix to show', () => {
    const session = useSession.getState();
    session.beginToggle('off');
    session.setLink({ state: 'unavailable', socketPath: '/run/x.sock', problem: 'not-running', message: 'no socket', fix: 'sudo clatter engine', retryAtMs: 5 });
    const state = useSession.getState();
    expect(state.pending).toBeNull();
    expect(state.link).toEqual({ state: 'unavailable', problem: 'not-running', message: 'no socket', fix: 'sudo clatter engine', retryAtMs: 5 });
    expect(state.socketPath).toBe('/run/x.sock');
  });

  it('connecting with a snapshot takes its status', () => {
    useSession.getState().setLink({ state: 'connected', socketPath: '/s', snapshot: snapshot(runningStatus), flows: [] });
    expect(useSession.getState().link.state).toBe('connected');
    expect(useSession.getState().status).toEqual(runningStatus);
  });
});

describe('traffic store', () => {
  it('keeps the newest counters and at most the chart width of rates', () => {
    const traffic = useTraffic.getState();
    traffic.reset(counters(1, 1), []);
    traffic.apply(null, Array.from({ length: chartSeconds + 10 }, (_, i) => rate(i * 1000, i)));
    expect(useTraffic.getState().rates).toHaveLength(chartSeconds);
    expect(useTraffic.getState().rates[0].atMs).toBe(10_000);
    expect(sidePackets(useTraffic.getState().counters, 'ipv4')).toBe(2);
    traffic.apply(counters(5, 3), []);
    expect(sidePackets(useTraffic.getState().counters, 'ipv6')).toBe(8);
    expect(totalDropped(useTraffic.getState().counters)).toBe(2);
  });
});

describe('drop reasons', () => {
  it('lists the reasons with a count, largest first', () => {
    expect(dropsByReason({ ttlExpired: 2, notForClat: 0, spoofedSource: 5 })).toEqual([['spoofedSource', 5], ['ttlExpired', 2]]);
  });
});

describe('flows store', () => {
  it('names a flow by its executable as the report does, null when unknown', () => {
    expect(flowProgramName(flow(1, 'curl', 1))).toBe('curl');
    expect(flowProgramName(flow(2, null, 1))).toBeNull();
  });

  it('applies changes by id, removals, and whole replacements', () => {
    const flows = useFlows.getState();
    flows.replace([flow(1, 'curl', 10), flow(2, 'ping', 20)]);
    flows.apply([flow(2, 'ping', 30), flow(3, 'ssh', 25)], [1], false);
    expect(flowsByRecency(useFlows.getState().flows).map((f) => f.id)).toEqual([2, 3]);
    flows.apply([flow(9, null, 1)], [], true);
    expect([...useFlows.getState().flows.keys()]).toEqual([9]);
  });

  it('keeps the same map when nothing changed (no re-render)', () => {
    const before = useFlows.getState().flows;
    useFlows.getState().apply([], [], false);
    expect(useFlows.getState().flows).toBe(before);
  });
});

describe('trace store', () => {
  it('puts a translated pair on both sides with the same pair number, decoded', () => {
    useTrace.getState().add([echoPair(7)], 0, 0);
    const { v4Rows, v6Rows } = useTrace.getState();
    expect(v4Rows).toHaveLength(1);
    expect(v6Rows).toHaveLength(1);
    expect(v4Rows[0]).toMatchObject({ pairId: 7, family: 4, role: 'input', program: 'ping', dropped: false });
    expect(v4Rows[0].line).toBe('192.0.0.1 > 203.0.113.10: ICMP echo request, id 4660, seq 7, length 8');
    expect(v6Rows[0].pairId).toBe(7);
    expect(v6Rows[0].line).toMatch(/^2001:db8:1:2::c1a7 > 64:ff9b::cb00:710a: ICMP6, echo request/);
  });

  it('a dropped packet has one row, on its own side, marked dropped', () => {
    useTrace.getState().add([droppedPair(3)], 0, 0);
    expect(useTrace.getState().v4Rows).toHaveLength(1);
    expect(useTrace.getState().v6Rows).toHaveLength(0);
    expect(useTrace.getState().v4Rows[0]).toMatchObject({ dropped: true, verdict: 'ttlExpired' });
  });

  it('keeps at most maxRowsPerPane rows, the newest', () => {
    const pairs = Array.from({ length: maxRowsPerPane + 5 }, (_, i) => echoPair(i + 1));
    useTrace.getState().add(pairs, 4, 1);
    const { v4Rows, skipped, lost } = useTrace.getState();
    expect(v4Rows).toHaveLength(maxRowsPerPane);
    expect(v4Rows[0].pairId).toBe(6);
    expect([skipped, lost]).toEqual([4, 1]);
  });

  it('paused: the rows stand still and new pairs are counted; resuming clears the count', () => {
    const trace = useTrace.getState();
    trace.add([echoPair(1)], 0, 0);
    trace.setPaused(true);
    trace.add([echoPair(2), echoPair(3)], 0, 0);
    expect(useTrace.getState().v4Rows.map((row) => row.pairId)).toEqual([1]);
    expect(useTrace.getState().missedWhilePaused).toBe(2);
    trace.setPaused(false);
    expect(useTrace.getState().missedWhilePaused).toBe(0);
  });

  it('selecting the selected pair again unselects it', () => {
    useTrace.getState().select(4);
    expect(useTrace.getState().selectedPair).toBe(4);
    useTrace.getState().select(4);
    expect(useTrace.getState().selectedPair).toBeNull();
  });

  it('a filter keeps both twins of a pair that matches on either side', () => {
    useTrace.getState().add([echoPair(1, 'ping'), echoPair(2, 'curl')], 0, 0);
    const { v4Rows, v6Rows } = useTrace.getState();
    // "64:ff9b" is only in the IPv6 line, but the IPv4 twin stays too.
    expect([...matchingPairs('64:FF9B', v4Rows, v6Rows)!]).toEqual([1, 2]);
    expect([...matchingPairs('curl', v4Rows, v6Rows)!]).toEqual([2]);
    expect(matchingPairs('  ', v4Rows, v6Rows)).toBeNull();
  });
});
