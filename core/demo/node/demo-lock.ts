// One demo at a time, for exactly as long as its process lives: the demo listens on an abstract
// Unix socket (Linux: a name, not a file; the kernel drops it when the process ends, however it
// ends), so a stale lock cannot exist and a reused pid cannot fool anyone. The socket is also the
// demo's doorbell: a client is told the demo's pid, may ask it to stop (`clatter demo --down`), or
// just wait for the connection to close, which is the demo's end (the reaper, reaper.ts).
// Abstract sockets belong to a network namespace: the machine's own, where `clatter demo` runs.
//
// An abstract name has no owner and no permissions: any local user may take it first, or connect.
// So both ends go by the kernel's word (SO_PEERCRED, socket-peer.ts), never by what the other end
// writes: a client learns the holder's pid and uid from the kernel, and the demo takes a stop
// request only from root or its own user.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { socketPeer, type SocketPeer } from '../../tun/socket-peer.js';

const lockName = `\0${process.env.CLATTER_DEMO_LOCK ?? 'clatter-demo'}`;

export interface DemoLock {
  release(): Promise<void>;
}

/** Takes the lock, or null when a demo holds it. `onStop` runs when a client asks the demo to stop. */
export function acquireDemoLock(onStop: () => void): Promise<DemoLock | null> {
  return new Promise((resolve, reject) => {
    const clients = new Set<Socket>();
    const server: Server = createServer((socket) => {
      clients.add(socket);
      socket.on('close', () => clients.delete(socket));
      socket.on('error', () => {});
      // Kept open (its close is the demo's end for the client) without keeping the demo alive.
      socket.unref();
      socket.write(`${process.pid}\n`);
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString().startsWith('stop') && mayStop(socket)) onStop();
      });
    });
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(lockName, () => {
      server.unref();
      resolve({
        release: () =>
          new Promise((done) => {
            // close() waits for every connection to end: end them (they are the demo's watchers).
            for (const client of clients) client.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Whether the process at the other end is root or runs as this process's user. */
function mayStop(socket: Socket): boolean {
  const peer = socketPeer(socket);
  return typeof peer !== 'string' && (peer.uid === 0 || peer.uid === process.getuid?.());
}

export interface DemoHolder {
  /** The holder's pid and uid, from the kernel: a holder that is not root is no demo (it needs root). */
  readonly pid: number;
  readonly uid: number;
  /** Resolves when the demo's process is gone (the lock's socket closed). */
  readonly ended: Promise<void>;
  /** Asks the demo to stop (it cleans up and exits). */
  askToStop(): void;
  /** Hangs up (the connection would keep this process alive). */
  close(): void;
}

/** The demo that holds the lock, or null when none does. */
export function findDemo(): Promise<DemoHolder | null> {
  return new Promise((resolve) => {
    const socket: Socket = connect(lockName);
    let text = '';
    let answered = false;
    let peer: SocketPeer | null = null;
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    // No answer: nobody there, or a dying demo whose socket closes without a word.
    const noAnswer = () => {
      if (answered) return;
      answered = true;
      socket.destroy();
      resolve(null);
    };
    const answer = (holder: SocketPeer) => {
      answered = true;
      clearTimeout(timer);
      resolve({ pid: holder.pid, uid: holder.uid, ended, askToStop: () => void socket.write('stop\n'), close: () => socket.destroy() });
    };
    socket.on('error', noAnswer);
    socket.on('close', noAnswer);
    const timer = setTimeout(noAnswer, 2000);
    timer.unref();
    socket.once('connect', () => {
      const found = socketPeer(socket);
      if (typeof found === 'string') return noAnswer();
      peer = found;
      // Not root, so no demo: said at once, whatever it writes or does not write.
      if (found.uid !== 0) answer(found);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      // A demo says its pid when it accepts: alive, not a dying one.
      if (!answered && peer !== null && text.includes('\n')) answer(peer);
    });
  });
}
