// Kernel parameters under /proc/sys, read and written directly (no `sysctl` binary needed).
// Keys use the dotted form (`net.ipv6.conf.wlan0.proxy_ndp`); interface names containing dots are
// written with slashes already in place by `sysctlKey`.

import { readFileSync, writeFileSync } from 'node:fs';

export function sysctlKey(...parts: string[]): string {
  // Each part is a path component: a dot inside an interface name must stay a dot in the path.
  return parts.map((part) => part.replaceAll('/', '')).join('/');
}

function pathOf(key: string): string {
  return `/proc/sys/${key.includes('/') ? key : key.replaceAll('.', '/')}`;
}

export function readSysctl(key: string): { ok: true; value: string } | { ok: false; error: string } {
  try {
    return { ok: true, value: readFileSync(pathOf(key), 'utf8').trim() };
  } catch (error) {
    return { ok: false, error: `read ${key}: ${(error as Error).message}` };
  }
}

export function writeSysctl(key: string, value: string): { ok: true } | { ok: false; error: string } {
  try {
    writeFileSync(pathOf(key), `${value}\n`);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `write ${key}=${value}: ${(error as Error).message}` };
  }
}
