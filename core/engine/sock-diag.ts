// Finding a TCP or UDP socket by its addresses through sock_diag (netlink protocol
// NETLINK_SOCK_DIAG, linux/sock_diag.h and linux/inet_diag.h), as `ss` does: the kernel answers
// with the socket's uid and inode, and the inode leads to the process (socket-owners.ts).
//
// The conversation: one netlink socket, opened on first use and kept. Each request is one
// SOCK_DIAG_BY_FAMILY message with a struct inet_diag_req_v2; the kernel handles it inside the
// write() and queues the answer before write() returns, so the reply is read right away (a dump's
// later parts are produced as the earlier ones are read). An exact lookup ends with one
// inet_diag_msg or an NLMSG_ERROR (ENOENT: no such socket); a dump with NLMSG_DONE. Replies are
// matched by sequence number, and anything left over from an abandoned request is drained before
// the next one. Requests run one at a time.
//
//   struct nlmsghdr        { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }          16 bytes
//   struct inet_diag_req_v2 { u8 family, protocol, ext, pad; u32 states; inet_diag_sockid id; }  56
//   struct inet_diag_sockid { be16 sport, dport; be32 src[4], dst[4]; u32 if; u32 cookie[2]; }  48
//   struct inet_diag_msg   { u8 family, state, timer, retrans; inet_diag_sockid id;
//                            u32 expires, rqueue, wqueue, uid, inode; }                   72
// Netlink header fields and the u32s are in host byte order; ports and addresses big-endian.

import { nativeAddon, type NativeAddon } from '../tun/native-addon.js';
import { protocol as ipProtocol } from '../wire/protocol.js';

export const netlinkSockDiag = 4;
const sockDiagByFamily = 20;
const nlmFRequest = 0x01;
const nlmFDump = 0x300;
const nlmsgError = 2;
const nlmsgDone = 3;
const afInet = 2;
const headerBytes = 16;
const requestBytes = headerBytes + 56;
const diagMsgBytes = 72;
/** The kernel sizes a dump's parts by the reader's buffer, up to 32 KiB (netlink_recvmsg). */
const slotBytes = 32 * 1024;
const slots = 4;
const replyTimeoutMs = 1000;
const etimedout = 110;

const hostLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A socket as sock_diag describes it. Addresses are uint32. */
export interface DiagSocket {
  /** TCP state (linux/tcp_states.h: 1 ESTABLISHED, 2 SYN_SENT, 10 LISTEN, ...); 7 (CLOSE) for UDP. */
  readonly state: number;
  readonly localV4: number;
  readonly localPort: number;
  readonly remoteV4: number;
  readonly remotePort: number;
  readonly uid: number;
  /** 0 for a socket no process holds any more (TCP TIME-WAIT). */
  readonly inode: number;
}

export interface SocketAddresses {
  readonly localV4: number;
  readonly localPort: number;
  readonly remoteV4: number;
  readonly remotePort: number;
}

/** ok: the kernel answered (socket null: there is none); not ok: sock_diag failed (errno). */
export type DiagLookup = { readonly ok: true; readonly socket: DiagSocket | null } | { readonly ok: false; readonly errno: number };
export type DiagDump = { readonly ok: true; readonly sockets: DiagSocket[] } | { readonly ok: false; readonly errno: number };

export class SockDiag {
  private fd = -1;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly request = new Uint8Array(requestBytes);
  private readonly requestView = new DataView(this.request.buffer);
  private readonly starts = Int32Array.of(0);
  private readonly lengths = Int32Array.of(requestBytes);
  private readonly slab = new Uint8Array(slotBytes * slots);
  private readonly slabView = new DataView(this.slab.buffer);
  private readonly readLengths = new Int32Array(slots);

  constructor(private readonly addon?: NativeAddon) {}

  /** The IPv4 TCP (6) or UDP (17) socket with exactly these addresses (a bound, unconnected UDP socket matches any remote). */
  lookup(protocol: number, addresses: SocketAddresses): Promise<DiagLookup> {
    return this.serialize(async () => {
      const result = await this.exchange(protocol, addresses);
      if (!result.ok) return result.errno === 2 ? { ok: true, socket: null } : result; // ENOENT
      return { ok: true, socket: result.sockets[0] ?? null };
    });
  }

  /** Every IPv4 socket of `protocol`. */
  dump(protocol: number): Promise<DiagDump> {
    return this.serialize(() => this.exchange(protocol, null));
  }

  close(): void {
    if (this.fd >= 0) this.native().close(this.fd);
    this.fd = -1;
  }

  private native(): NativeAddon {
    return this.addon ?? nativeAddon();
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async exchange(protocol: number, addresses: SocketAddresses | null): Promise<DiagDump> {
    const addon = this.native();
    if (this.fd < 0) {
      const fd = addon.netlinkOpen(netlinkSockDiag, 0);
      if (fd < 0) return { ok: false, errno: -fd };
      this.fd = fd;
    }
    const { slab, readLengths } = this;
    while (addon.readBatch(this.fd, slab, slotBytes, slots, readLengths) > 0) {
      // leftovers of an abandoned request
    }
    const seq = (this.seq = (this.seq + 1) >>> 0);
    this.fillRequest(seq, protocol, addresses);
    const written = addon.writeBatch(this.fd, this.request, this.starts, this.lengths, 1);
    if (written !== 1) return { ok: false, errno: written < 0 ? -written : 11 }; // EAGAIN

    const sockets: DiagSocket[] = [];
    const deadline = Date.now() + replyTimeoutMs;
    for (;;) {
      const count = addon.readBatch(this.fd, slab, slotBytes, slots, readLengths);
      if (count < 0) return { ok: false, errno: -count };
      if (count === 0) {
        if (Date.now() > deadline) return { ok: false, errno: etimedout };
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      for (let i = 0; i < count; i++) {
        const end = this.readReplies(i * slotBytes, i * slotBytes + readLengths[i], seq, sockets);
        if (end !== undefined) return end === 0 ? { ok: true, sockets } : { ok: false, errno: end };
        if (addresses !== null && sockets.length > 0) return { ok: true, sockets };
      }
    }
  }

  /** Parses one datagram of replies into `sockets`; returns 0 at the end, an errno on error, undefined to read on. */
  private readReplies(start: number, end: number, seq: number, sockets: DiagSocket[]): number | undefined {
    const view = this.slabView;
    const le = hostLittleEndian;
    for (let at = start; at + headerBytes <= end; ) {
      const length = view.getUint32(at, le);
      if (length < headerBytes || at + length > end) return undefined;
      const type = view.getUint16(at + 4, le);
      if (view.getUint32(at + 8, le) === seq) {
        if (type === nlmsgDone) return 0;
        if (type === nlmsgError) {
          const error = length >= headerBytes + 4 ? view.getInt32(at + headerBytes, le) : 0;
          return -error;
        }
        if (type === sockDiagByFamily && length >= headerBytes + diagMsgBytes) {
          const m = at + headerBytes;
          if (view.getUint8(m) === afInet) {
            sockets.push({
              state: view.getUint8(m + 1),
              localPort: view.getUint16(m + 4, false),
              remotePort: view.getUint16(m + 6, false),
              localV4: view.getUint32(m + 8, false),
              remoteV4: view.getUint32(m + 24, false),
              uid: view.getUint32(m + 64, le),
              inode: view.getUint32(m + 68, le),
            });
          }
        }
      }
      at += (length + 3) & ~3; // NLMSG_ALIGN
    }
    return undefined;
  }

  private fillRequest(seq: number, protocol: number, addresses: SocketAddresses | null): void {
    const view = this.requestView;
    const le = hostLittleEndian;
    this.request.fill(0);
    view.setUint32(0, requestBytes, le);
    view.setUint16(4, sockDiagByFamily, le);
    view.setUint16(6, addresses === null ? nlmFRequest | nlmFDump : nlmFRequest, le);
    view.setUint32(8, seq, le);
    const r = headerBytes;
    view.setUint8(r, afInet);
    view.setUint8(r + 1, protocol);
    view.setUint32(r + 4, 0xffffffff, le); // every state
    if (addresses !== null) {
      // The kernel's TCP lookup reads the request's src as the local end; its UDP lookup
      // (udp_dump_one) passes src and dst to the receive-path lookup, where the packet's
      // source is the remote end: for UDP the two are the other way round.
      const swap = protocol === ipProtocol.udp;
      const id = r + 8;
      view.setUint16(id, swap ? addresses.remotePort : addresses.localPort, false);
      view.setUint16(id + 2, swap ? addresses.localPort : addresses.remotePort, false);
      view.setUint32(id + 4, swap ? addresses.remoteV4 : addresses.localV4, false);
      view.setUint32(id + 20, swap ? addresses.localV4 : addresses.remoteV4, false);
    }
    // INET_DIAG_NOCOOKIE: match any socket, not one particular incarnation.
    view.setUint32(r + 8 + 40, 0xffffffff, le);
    view.setUint32(r + 8 + 44, 0xffffffff, le);
  }
}
