// clatter-desktop, the Electron app's Debian package, built by `npm run package`'s script with a
// STAND-IN for Electron: the binary npm's electron package downloads cannot be downloaded on the
// machines that test Clatter, so the real Electron is never packaged or run here. The stand-in is a
// temp dir laid out as npm's electron package (path.txt naming dist/electron, a shell script that
// records its argv; dist/chrome-sandbox, a copy of /usr/bin/true, so that the package's mode and
// dpkg-shlibdeps have an ELF file to work on; resources/ and locales/ with dummy files), passed with
// --electron. Checked: the .deb's files, modes and Depends; lintian; both packages installed with
// apt-get into a throwaway root (test/package/throwaway-root.ts), where /usr/bin/clatter-desktop,
// and the menu entry's clatter-open, exec the stand-in on the app directory; purge removes it.
// Also: without a binary the script says so and builds clatter alone.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../core/install/package-root.js';
import { ThrowawayRoot, aptOffline } from './throwaway-root.js';

const isRoot = process.getuid?.() === 0;
const checkout = findPackageRoot();
const cleanEnv = ['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'];
const argvFile = '/tmp/stand-in-electron.argv';

/** A directory laid out as npm's electron package after its download, with a stand-in binary. */
function makeStandIn(dir: string): void {
  mkdirSync(join(dir, 'dist', 'resources'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'locales'));
  writeFileSync(join(dir, 'path.txt'), 'electron');
  writeFileSync(join(dir, 'dist', 'electron'), `#!/bin/sh\nprintf '%s\\n' "$0" "$@" >${argvFile}\n`);
  chmodSync(join(dir, 'dist', 'electron'), 0o755);
  copyFileSync('/usr/bin/true', join(dir, 'dist', 'chrome-sandbox'));
  writeFileSync(join(dir, 'dist', 'resources', 'default_app.asar'), 'stand-in');
  writeFileSync(join(dir, 'dist', 'locales', 'en-US.pak'), 'stand-in');
}

function buildDebs(outDir: string, electronDir: string) {
  const result = spawnSync('sh', [join(checkout.dir, 'scripts', 'build-deb.sh'), '--no-build', '--out', outDir, '--electron', electronDir], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return { debs: result.stdout.trim().split('\n'), stderr: result.stderr };
}

describe.skipIf(!isRoot)('the clatter-desktop package, with a stand-in Electron (the real binary is not run here)', () => {
  let tmp: string;
  let clatterDeb: string;
  let desktopDeb: string;
  let root: ThrowawayRoot | undefined;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'clatter-desktop-deb-'));
    makeStandIn(join(tmp, 'electron'));
    mkdirSync(join(tmp, 'out'));
    // The app's bundles (dist/app): `npm test`'s build does not make them.
    execFileSync('npm', ['run', '--silent', 'build:electron'], { cwd: checkout.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    [clatterDeb, desktopDeb] = buildDebs(join(tmp, 'out'), join(tmp, 'electron')).debs;
  }, 180_000);

  afterAll(async () => {
    await root?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('holds Electron as downloaded, the app and the wrapper, root-owned, the sandbox setuid; Depends: clatter (= version) and the ELF files\' libraries', () => {
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    expect(clatterDeb).toBe(join(tmp, 'out', `clatter_${checkout.version}_${arch}.deb`));
    expect(desktopDeb).toBe(join(tmp, 'out', `clatter-desktop_${checkout.version}_${arch}.deb`));
    const listing = execFileSync('dpkg-deb', ['-c', desktopDeb], { encoding: 'utf8' }).trim().split('\n');
    const modes = new Map(listing.map((line) => line.split(/\s+/)).map(([mode, owner, , , , path, ...link]) => [path.replace(/^\./, '').replace(/(.)\/$/, '$1'), `${mode} ${owner}${link.length ? ` ${link.join(' ')}` : ''}`]));
    const lib = '/usr/lib/clatter-desktop';
    // Every file and link under /usr/bin and the two directories of /usr/lib/clatter-desktop.
    const ofInterest = [...modes].filter(([path, mode]) => /^\/usr\/(bin|lib\/clatter-desktop)\//.test(path) && !mode.startsWith('d'));
    expect(Object.fromEntries(ofInterest)).toEqual({
      '/usr/bin/clatter-desktop': '-rwxr-xr-x root/root',
      [`${lib}/electron/electron`]: '-rwxr-xr-x root/root',
      [`${lib}/electron/chrome-sandbox`]: '-rwsr-xr-x root/root',
      [`${lib}/electron/resources/default_app.asar`]: '-rw-r--r-- root/root',
      [`${lib}/electron/locales/en-US.pak`]: '-rw-r--r-- root/root',
      [`${lib}/app/package.json`]: '-rw-r--r-- root/root',
      [`${lib}/app/dist/app/main/index.js`]: '-rw-r--r-- root/root',
      [`${lib}/app/dist/app/preload/preload.cjs`]: '-rw-r--r-- root/root',
      [`${lib}/app/dist/renderer`]: 'lrwxrwxrwx root/root -> ../../../clatter/dist/renderer',
    });
    for (const path of ['/usr/share/man/man1/clatter-desktop.1.gz', '/usr/share/doc/clatter-desktop/copyright', '/usr/share/doc/clatter-desktop/changelog.gz']) {
      expect(modes.get(path)).toBe('-rw-r--r-- root/root');
    }
    // No second menu entry: clatter's starts /usr/bin/clatter-desktop.
    expect([...modes.keys()].filter((path) => path.startsWith('/usr/share/applications'))).toEqual([]);
    // libc6 is the stand-in sandbox's (/usr/bin/true's); the real Electron's list is GTK, NSS, ALSA, ….
    expect(execFileSync('dpkg-deb', ['-f', desktopDeb, 'Depends'], { encoding: 'utf8' })).toMatch(new RegExp(`^clatter \\(= ${checkout.version}\\), libc6 \\(>= [\\d.]+\\)\\n$`));
  });

  it('passes lintian: no error, no warning (the setuid sandbox is overridden, with its reason)', () => {
    // The stand-in raises nothing of its own in lintian 2.116 (a shell script and /usr/bin/true
    // under /usr/lib are not judged); what the real Electron would raise is not known here.
    const output = spawnSync('lintian', ['--tag-display-limit', '0', '--show-overrides', desktopDeb], { encoding: 'utf8' }).stdout;
    expect(output.split('\n').filter((line) => /^[EW]: /.test(line))).toEqual([]);
    expect(output).toMatch(/^O: clatter-desktop: elevated-privileges 4755 root\/root \[usr\/lib\/clatter-desktop\/electron\/chrome-sandbox\]$/m);
  }, 120_000);

  it('installs beside clatter in a throwaway root; clatter-desktop and the menu entry run Electron on the app directory', async () => {
    const r = (root = await ThrowawayRoot.create());
    for (const deb of [clatterDeb, desktopDeb]) r.copyIn(deb, `/tmp/${deb.split('/').pop()}`);
    const install = r.run([...aptOffline, 'install', '-y', '--no-install-recommends', ...[clatterDeb, desktopDeb].map((deb) => `/tmp/${deb.split('/').pop()}`)]);
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
    expect(install.stdout).toMatch(/^0 upgraded, 2 newly installed, 0 to remove/m);
    expect(r.check(['stat', '-c', '%U:%G %a', '/usr/lib/clatter-desktop/electron/chrome-sandbox']).trim()).toBe('root:root 4755');
    // The app directory as Electron reads it: "main" names the bundle; the screen through the link.
    const manifest = JSON.parse(r.check(['cat', '/usr/lib/clatter-desktop/app/package.json'])) as { name: string; main: string; type: string };
    expect(manifest).toMatchObject({ name: 'clatter', main: 'dist/app/main/index.js', type: 'module' });
    r.check(['test', '-f', `/usr/lib/clatter-desktop/app/${manifest.main}`]);
    r.check(['test', '-f', '/usr/lib/clatter-desktop/app/dist/renderer/index.html']);

    for (const program of ['/usr/bin/clatter-desktop', '/usr/lib/clatter/clatter-open']) {
      r.check(['rm', '-f', argvFile]);
      r.check([...cleanEnv, program, '--an-argument']);
      expect(r.check(['cat', argvFile]).split('\n'), program).toEqual(['/usr/lib/clatter-desktop/electron/electron', '/usr/lib/clatter-desktop/app', '--an-argument', '']);
    }

    const purge = r.run([...aptOffline, 'purge', '-y', 'clatter-desktop', 'clatter']);
    expect(purge.code, `${purge.stdout}\n${purge.stderr}`).toBe(0);
    for (const path of ['/usr/lib/clatter-desktop', '/usr/bin/clatter-desktop', '/usr/share/doc/clatter-desktop']) {
      expect(r.run(['test', '-e', path]).code, `${path} is still there`).not.toBe(0);
    }
  }, 180_000);

  it('without the Electron binary, says so and builds clatter alone', () => {
    const noBinary = join(tmp, 'no-binary');
    mkdirSync(noBinary);
    writeFileSync(join(noBinary, 'path.txt'), 'electron');
    const out = join(tmp, 'out-alone');
    mkdirSync(out);
    const { debs, stderr } = buildDebs(out, noBinary);
    expect(debs).toEqual([join(out, clatterDeb.split('/').pop()!)]);
    expect(readdirSync(out)).toEqual([clatterDeb.split('/').pop()]);
    expect(stderr).toMatch(/clatter-desktop not built, clatter alone: the Electron binary is not downloaded/);
  }, 60_000);
});
