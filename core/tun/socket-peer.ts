// Who is at the other end of a connected Unix socket: SO_PEERCRED, read by the addon (Node has no
// API for it). On a server's accepted socket it is the connecting process; on a client's, the
// listening process as of its listen(). The kernel's word, which a peer cannot make up, unlike
// anything it writes.

import type { Socket } from 'node:net';
import { nativeAddon, type NativeAddon } from './native-addon.js';

export interface SocketPeer {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** The peer of `socket`, or why it cannot be known. */
export function socketPeer(socket: Socket, addon: NativeAddon = nativeAddon()): SocketPeer | string {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return 'cannot identify the process at the other end';
  const credentials = new Int32Array(3);
  const result = addon.peerCredentials(fd, credentials);
  if (result < 0) return `cannot read the peer's credentials (errno ${-result})`;
  return { pid: credentials[0], uid: credentials[1], gid: credentials[2] };
}
