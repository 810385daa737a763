// The running CLAT's reply health, for `status`: the detector of core/observe/reply-health.ts fed
// by the packet loop (through the observatory), judged once a second; when replies stop arriving,
// the likely causes are looked for on the host (its firewall, the route to the NAT64, the prefix)
// beside the packet path, and looked for again every little while until replies return.
//
//   ok ──(≥ 3 destinations unanswered, nothing back)──> no-replies (causes: looking…, then found)
//    ^                                                       │
//    └───────────────(any packet comes back)─────────────────┘
//
// A new data path (another uplink, tun, prefix or start) starts from nothing.

import type { ClatStatus, LikelyCause, PrefixInfo, ReplyHealth } from '../api/status.js';
import { inspectClatPath } from '../host/firewall-inspect.js';
import { inspectNat64Route } from '../host/nat64-route.js';
import { ReplyHealthDetector, type ReplyVerdict } from '../observe/reply-health.js';
import { direction64 } from '../observe/traffic-counters.js';
import { formatIpv6, parseIpv6Prefix } from '../wire/address.js';
import { embedIpv4 } from '../xlat/rfc6052.js';
import { firewallCause, nat64Cause, prefixCause } from './likely-causes.js';
import type { Observatory } from './observatory.js';

/** What the causes are looked for in: the running CLAT's data path. */
export interface HealthContext {
  readonly uplink: string;
  readonly tun: string;
  readonly delivery: string;
  readonly clatIpv6: string;
  readonly prefix: PrefixInfo;
  readonly sinceMs: number;
}

export type CauseInspector = (context: HealthContext, nowMs: number) => Promise<LikelyCause[]>;

export interface HealthWatchOptions {
  /** The running data path, or null when the CLAT is not running. */
  readonly running: () => HealthContext | null;
  /** The verdict or its causes changed: publish the status. */
  readonly onChange: () => void;
  readonly log: (line: string) => void;
  /** Looks for the likely causes (default: inspectLikelyCauses, on this host). */
  readonly inspect?: CauseInspector;
}

/** While replies stay away, the causes are looked for again this often (a firewall may change). */
const reinspectMs = 15_000;
const ok: ReplyHealth = { state: 'ok' };

/** 192.0.0.170 (RFC 7050 §2.2, ipv4only.arpa) under the prefix: an address to ask the route of. */
export function nat64ProbeAddress(prefixText: string): string | null {
  const prefix = parseIpv6Prefix(prefixText);
  if (prefix === undefined) return null;
  const bytes = new Uint8Array(16);
  embedIpv4(prefix, 0xc00000aa, bytes, 0);
  return formatIpv6(bytes);
}

/** The three causes, in order, as this host shows them. */
export async function inspectLikelyCauses(context: HealthContext, nowMs: number): Promise<LikelyCause[]> {
  const nat64Address = nat64ProbeAddress(context.prefix.prefix);
  const names = { uplink: context.uplink, tun: context.tun, clatIpv6: context.clatIpv6, ...(nat64Address === null ? {} : { nat64Address }) };
  const [firewall, route] = await Promise.all([
    inspectClatPath(context.delivery, names),
    nat64Address === null ? Promise.resolve({ kind: 'unknown' as const, address: context.prefix.prefix, reason: 'not an IPv6 prefix' }) : inspectNat64Route(nat64Address, context.uplink, context.delivery === 'ingress' || context.delivery === 'packet-socket'),
  ]);
  return [firewallCause(firewall), nat64Cause(context.prefix.prefix, route), prefixCause(context.prefix, nowMs)];
}

/** The causes before the host has been looked at. */
function lookingFor(context: HealthContext, nowMs: number): LikelyCause[] {
  return [
    { kind: 'firewall', found: false, text: "a firewall rule (looking at this host's rules…)" },
    { kind: 'nat64', found: false, text: 'the NAT64 unreachable (looking at its route…)' },
    prefixCause(context.prefix, nowMs),
  ];
}

export class HealthWatch {
  readonly detector = new ReplyHealthDetector();
  private readonly inspect: CauseInspector;
  private readonly stopSeconds: () => void;
  private contextKey = '';
  private verdict: ReplyVerdict = { state: 'ok' };
  private causes: LikelyCause[] = [];
  private inspecting = false;
  private inspectedAtMs = Number.NEGATIVE_INFINITY;
  private inboundCounted = 0;
  private inboundSeen = 0;
  private readonly totals = new Float64Array(4);

  constructor(
    private readonly observatory: Observatory,
    private readonly options: HealthWatchOptions,
  ) {
    this.inspect = options.inspect ?? inspectLikelyCauses;
    observatory.add(this.detector);
    this.stopSeconds = observatory.onSecond(() => this.tick());
  }

  /** For the running status. */
  health(): ReplyHealth {
    return this.verdict.state === 'ok' ? ok : { ...this.verdict, causes: this.causes };
  }

  close(): void {
    this.stopSeconds();
  }

  /** Once a second (the observatory's timer): judge, and look for causes when replies stay away. */
  tick(nowMs = performance.now()): void {
    const context = this.options.running();
    const key = context === null ? '' : `${context.uplink} ${context.tun} ${context.delivery} ${context.prefix.prefix} ${context.sinceMs}`;
    if (key !== this.contextKey) {
      // What the last data path saw says nothing of this one (coming from none, the detector holds
      // only this one's first packets: it was reset when the last one went).
      if (this.contextKey !== '') this.detector.reset();
      this.contextKey = key;
      this.inspectedAtMs = Number.NEGATIVE_INFINITY;
      if (this.verdict.state !== 'ok') this.settle({ state: 'ok' });
    }
    if (context === null) return;
    this.noteUnobservedReplies(nowMs);
    // The monotonic clock stops while the machine sleeps: the offset to the wall clock is taken anew
    // when it moved by more than a second (a sleep, a clock step), not for the milliseconds two
    // clocks drift apart between ticks, which would make every verdict a new one.
    const epochMs = Date.now();
    if (Math.abs(epochMs - nowMs - this.detector.clockOffsetMs) > 1000) this.detector.clockOffsetMs = epochMs - nowMs;
    const verdict = this.detector.evaluate(nowMs);
    if (verdict.state === 'no-replies' && this.verdict.state === 'ok') this.causes = lookingFor(context, epochMs);
    const changed = JSON.stringify(verdict) !== JSON.stringify(this.verdict);
    if (changed) this.settle(verdict);
    if (verdict.state === 'no-replies' && !this.inspecting && nowMs - this.inspectedAtMs >= reinspectMs) this.lookForCauses(context, key, nowMs);
  }

  /** Replies the loop counted but the observers missed (a worker ahead of a busy main thread). */
  private noteUnobservedReplies(nowMs: number): void {
    this.observatory.counters.totals(direction64, this.totals);
    const counted = this.totals[0];
    const seen = this.detector.inboundObserved;
    if (counted - this.inboundCounted > seen - this.inboundSeen) this.detector.noteInbound(nowMs);
    this.inboundCounted = counted;
    this.inboundSeen = seen;
  }

  private settle(verdict: ReplyVerdict): void {
    const was = this.verdict.state;
    this.verdict = verdict;
    if (verdict.state === 'no-replies' && was === 'ok') {
      this.options.log(`replies are not arriving: ${verdict.unansweredRequests} requests to ${verdict.unansweredDestinations.join(', ')} unanswered`);
    } else if (verdict.state === 'ok' && was === 'no-replies') {
      this.options.log('replies are arriving again');
      this.causes = [];
      // The next time replies stay away, look at the host again at once.
      this.inspectedAtMs = Number.NEGATIVE_INFINITY;
    }
    this.options.onChange();
  }

  private lookForCauses(context: HealthContext, key: string, nowMs: number): void {
    this.inspecting = true;
    this.inspectedAtMs = nowMs;
    void this.inspect(context, Date.now())
      .then(
        (causes) => {
          // Still the same data path, still without replies: otherwise the answer is stale.
          if (key !== this.contextKey || this.verdict.state !== 'no-replies') return;
          const changed = JSON.stringify(causes) !== JSON.stringify(this.causes);
          this.causes = causes;
          if (changed) {
            this.options.log(`likely causes: ${causes.filter((cause) => cause.found).map((cause) => cause.text).join('; ') || 'none found on this host'}`);
            this.options.onChange();
          }
        },
        (error: unknown) => {
          this.options.log(`looking for the causes failed: ${String(error)}`);
          if (key !== this.contextKey || this.verdict.state !== 'no-replies') return;
          // Not "looking…" for ever: say that the host could not be looked at.
          this.causes = this.causes.map((cause) => (cause.kind === 'prefix' ? cause : { kind: cause.kind, found: false, text: `${cause.text.replace(/ \(looking.*\)$/, '')} (could not be looked for: ${String(error)})` }));
          this.options.onChange();
        },
      )
      .finally(() => {
        this.inspecting = false;
      });
  }
}

/** The health context of a status: the running data path's, or null. */
export function healthContextOf(status: ClatStatus): HealthContext | null {
  if (status.state !== 'running') return null;
  return { uplink: status.uplink, tun: status.tun, delivery: status.delivery, clatIpv6: status.clatIpv6, prefix: status.prefix, sinceMs: status.sinceMs };
}
