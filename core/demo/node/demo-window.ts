// Opening the demo's screen: the desktop app (Electron) where it can run — its binary downloaded,
// a display to show it on — as the user who ran sudo, not as root; otherwise the caller prints the
// URL for a browser. The app gets the URL in CLATTER_DEMO_URL and shows only that page, full screen
// (electron/main/demo-window.ts). Its exit (the window closed) ends the demo.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type DemoWindow = { readonly ok: true; readonly child: ChildProcess } | { readonly ok: false; readonly why: string };

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

export function openDemoWindow(packageDir: string, url: string, env: NodeJS.ProcessEnv = process.env): DemoWindow {
  if (env.DISPLAY === undefined && env.WAYLAND_DISPLAY === undefined) return { ok: false, why: 'no display' };
  const binary = electronBinary(packageDir);
  if (!binary.ok) return binary;
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  // Electron refuses to run as root without disabling its sandbox; run it as the desktop's user.
  if (!Number.isInteger(uid) || uid === 0) return { ok: false, why: 'no desktop user to run the app as (run with sudo from your session)' };
  const child = spawn(binary.path, [packageDir], {
    uid,
    gid: Number.isInteger(gid) ? gid : uid,
    env: { DISPLAY: env.DISPLAY, WAYLAND_DISPLAY: env.WAYLAND_DISPLAY, XDG_RUNTIME_DIR: `/run/user/${uid}`, HOME: homeOf(uid), PATH: env.PATH, CLATTER_DEMO_URL: url },
    stdio: 'ignore',
  });
  return { ok: true, child };
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
