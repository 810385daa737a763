// Opening the demo's screen: the desktop app (Electron) where it can run — its binary downloaded,
// a display to show it on — as the user who ran sudo, not as root; otherwise the caller prints the
// URL for a browser. The app gets the URL in CLATTER_DEMO_URL and shows only that page, full screen
// (electron/main/demo-window.ts). Its exit (the window closed) ends the demo.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type DemoWindow =
  | {
      readonly ok: true;
      /** Resolves when the user closed the window (the demo ends then). */
      readonly closed: Promise<string>;
      close(): void;
    }
  | { readonly ok: false; readonly why: string };

/** An exit sooner than this, or with an error, is the app failing to start, not the user closing it. */
const startupMs = 5_000;

/** The Electron binary's path, or why there is none. */
export function electronBinary(packageDir: string): { ok: true; path: string } | { ok: false; why: string } {
  try {
    // The electron package's main module is the binary's path; it throws when the binary was never downloaded.
    const path = createRequire(`${packageDir}/package.json`)('electron') as unknown;
    if (typeof path !== 'string' || !existsSync(path)) return { ok: false, why: 'the Electron binary is not downloaded' };
    return { ok: true, path };
  } catch (error) {
    return { ok: false, why: `Electron cannot run: ${(error as Error).message.split('\n')[0]}` };
  }
}

/**
 * Starts the app on `url`. If it cannot start (no display access, a broken install), `onFailure`
 * says why and the demo goes on in the browser; only a window the user closes ends the demo.
 */
export function openDemoWindow(packageDir: string, url: string, onFailure: (why: string) => void, env: NodeJS.ProcessEnv = process.env): DemoWindow {
  if (env.DISPLAY === undefined && env.WAYLAND_DISPLAY === undefined) return { ok: false, why: 'no display' };
  const binary = electronBinary(packageDir);
  if (!binary.ok) return binary;
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  // Electron refuses to run as root without disabling its sandbox; run it as the desktop's user.
  if (!Number.isInteger(uid) || uid === 0) return { ok: false, why: 'no desktop user to run the app as (run with sudo from your session)' };
  // What a desktop session's app needs to reach the display and the session bus (sudo keeps these).
  const session = Object.fromEntries(
    ['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'PATH', 'LANG'].filter((name) => env[name] !== undefined).map((name) => [name, env[name]]),
  );
  const child: ChildProcess = spawn(binary.path, [packageDir], {
    uid,
    gid: Number.isInteger(gid) ? gid : uid,
    env: { ...session, XDG_RUNTIME_DIR: `/run/user/${uid}`, HOME: homeOf(uid), CLATTER_DEMO_URL: url },
    stdio: 'ignore',
  });
  const startedMs = Date.now();
  const closed = new Promise<string>((resolve) => {
    child.once('error', (error) => onFailure(`the desktop app could not start: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (code === 0 && Date.now() - startedMs >= startupMs) resolve('the window was closed');
      else onFailure(`the desktop app stopped (${code ?? signal}) before showing the screen`);
    });
  });
  return { ok: true, closed, close: () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')) };
}

/** The home directory of `uid` from /etc/passwd (Electron keeps its profile there). */
function homeOf(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (Number(fields[2]) === uid && fields[5] !== undefined) return fields[5];
    }
  } catch {
    // No /etc/passwd: fall through.
  }
  return '/';
}
