// A CLAT session: from `up` to `down`, on one uplink at a time (the engine may move it to another,
// uplink-watch.ts), with its prefix discovery, the /64 its address is in, and its phase: without a
// data path, translating, or failed with a cause. The phase is the session's status
// (clat-engine.ts sessionStatus): discovering, running or error.

import type { PrefixInfo } from '../api/status.js';
import type { DiscoveryService } from '../discovery/node/discovery-service.js';
import type { Uplink } from '../host/host-inspect.js';
import type { Ipv6Prefix } from '../wire/address.js';
import type { Datapath } from './datapath.js';
import type { UplinkSubnet } from './uplink-subnet.js';

export interface Session {
  uplinkName: string;
  /** No uplink was named: the CLAT moves to the interface of the IPv6 default route. */
  readonly followsDefaultRoute: boolean;
  readonly force: boolean;
  readonly manualPrefix: Ipv6Prefix | null;
  discovery: DiscoveryService;
  readonly sinceMs: number;
  uplink: Uplink;
  /** What identifies the network the uplink is on: a change means a new CLAT address. */
  fingerprint: string;
  /** The /64 the CLAT's address is in, and the stale ones of before a link loss (uplink-subnet.ts). */
  subnet: UplinkSubnet;
  /** What the data path's start waits for (said once), or null. */
  waitingFor: string | null;
  phase: SessionPhase;
}

/**
 * Where a session is: without a data path (the prefix awaited, or the start waiting for the uplink),
 * translating, or failed until the uplink's next event or a prefix change retries.
 */
export type SessionPhase =
  | { readonly state: 'discovering' }
  /** prefix null: discovery has just lost it, and the data path's teardown is queued (shown as discovering). */
  | { readonly state: 'running'; readonly datapath: Datapath; readonly prefix: PrefixInfo | null }
  | { readonly state: 'error'; readonly cause: string };

export const discovering: SessionPhase = { state: 'discovering' };

/** The session's data path, while it has one. */
export function datapathOf(session: Session): Datapath | null {
  return session.phase.state === 'running' ? session.phase.datapath : null;
}
