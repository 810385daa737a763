// What the engine tells its clients about a flow: plain, JSON-ready objects built from the flow
// table (flow-table.ts) when asked, never on the packet path. A flow is keyed by the IPv4 5-tuple
// the host's program sees (local 192.0.0.1 and port, remote IPv4 and port, protocol) and carries
// its IPv6 twin as the uplink sees it (the CLAT's IPv6 address, the remote synthesized under the
// NAT64 prefix, RFC 6052). The translation is stateless (RFC 7915), so the twin's ports are the
// IPv4 ports; for ICMP echo the identifier stands for the local port (remote port 0), as in the
// kernel's ping sockets.

/** A flow's TCP state as far as the flags seen each way tell it (no sequence numbers are checked). */
export type TcpState = 'syn-sent' | 'syn-received' | 'established' | 'closing' | 'closed';

export interface FlowEndpoints {
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
}

/** The program that owns the flow's local socket (as `ss -p` finds it), or the last one known. */
export interface FlowProgram {
  readonly pid: number;
  /** /proc/<pid>/exe, or the process name (/proc/<pid>/comm) when that cannot be read. */
  readonly executable: string;
  /** The arguments, /proc/<pid>/cmdline split at its NULs. */
  readonly commandLine: readonly string[];
  /** The socket owner's user name, or its uid as text when /etc/passwd does not name it. */
  readonly user: string;
  readonly uid: number;
}

export interface FlowInfo {
  /** Stable for the flow's life and never reused: the UI tracks updates by it. */
  readonly id: number;
  /** IPv4 protocol number (6 TCP, 17 UDP, 1 ICMP; the IPv6 twin of ICMP is ICMPv6, 58). */
  readonly protocol: number;
  readonly v4: FlowEndpoints;
  readonly v6: FlowEndpoints;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Packets and bytes out through the CLAT (IPv4 → IPv6); bytes are those of the IPv4 packets. */
  readonly packets46: number;
  readonly bytes46: number;
  /** Packets and bytes back in (IPv6 → IPv4); bytes are those of the IPv4 packets. */
  readonly packets64: number;
  readonly bytes64: number;
  /** null for anything but TCP. */
  readonly tcpState: TcpState | null;
  /** The name a DNS answer gave for the remote address, if one went through the CLAT. */
  readonly remoteName: string | null;
  readonly program: FlowProgram | null;
}

/** What changed since a client's last poll (FlowTable.changedSince). */
export interface FlowChanges {
  /** Pass this as `since` next time. */
  readonly seq: number;
  /** Flows created or updated since `since`. */
  readonly changed: FlowInfo[];
  /** Ids of flows that expired or were evicted since `since`. */
  readonly removed: number[];
  /** false when removals were forgotten (the log is bounded): take a full list instead. */
  readonly complete: boolean;
}

/** The IPv4 5-tuple of a flow's local socket, for process attribution. Addresses are uint32. */
export interface FlowSocketKey {
  readonly protocol: number;
  readonly localV4: number;
  readonly localPort: number;
  readonly remoteV4: number;
  readonly remotePort: number;
  /**
   * Whether the flow's first packet went out (46). An ICMP echo flow opened from outside is a
   * request the kernel itself answers: no program owns it. Unknown (undefined) is taken as out.
   */
  readonly outbound?: boolean;
}

/** A flow the table has just created, waiting for its program (FlowTable.takeNewFlows). */
export interface NewFlow extends FlowSocketKey {
  readonly id: number;
}
