// The Debian package end to end: `npm run package`'s script builds clatter_<version>_<arch>.deb,
// lintian judges it, apt-get installs it into a throwaway root (an overlay of / in a private mount
// namespace: test/package/throwaway-root.ts), where its files, group, unit, policy and menu entry
// are checked; the engine installed there runs in the lab's host namespace with the unit's
// capabilities and brings the CLAT up (ping and HTTP to the IPv4-only server); `apt-get purge`
// leaves nothing of it behind. This machine's own dpkg database, groups and units stay as they were.
// The tests run in order and share the package, the root and the lab.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClatStatus } from '../../core/api/status.js';
import { findPackageRoot } from '../../core/install/package-root.js';
import { createLab, type Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';
import { httpGet } from '../../core/lab/probes.js';
import { ThrowawayRoot, type UpperEntry, aptOffline } from './throwaway-root.js';

const isRoot = process.getuid?.() === 0;
const checkout = findPackageRoot();
const serverIpv4 = '203.0.113.10';

/** An environment of its own for commands in the root: nothing of the test runner's (NODE_OPTIONS…). */
const cleanEnv = ['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'];

/** What apt and dpkg write for themselves on any install and purge: changed, not left behind by the package. */
const bookkeeping = [
  /^\/var\/lib\/dpkg(\/|$)/,
  /^\/var\/lib\/apt(\/|$)/,
  /^\/var\/cache\/(apt|debconf|man|ldconfig)(\/|$)/,
  /^\/var\/log(\/|$)/,
  // Backups the group tools (groupadd, groupdel, systemd-sysusers) keep of what they changed.
  /^\/etc\/(group|gshadow|passwd|shadow)-$/,
  // Caches the triggers of man-db, desktop-file-utils and hicolor-icon-theme rebuild.
  /^\/usr\/share\/applications\/mimeinfo\.cache$/,
  /^\/usr\/share\/icons\/hicolor\/icon-theme\.cache$/,
];

/** The machine's own state this test must not change. */
function machineState(): Record<string, string> {
  const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const list = (dir: string) => {
    try {
      return readdirSync(dir).sort().join(' ');
    } catch {
      return '(none)';
    }
  };
  return {
    dpkgStatus: hash('/var/lib/dpkg/status'),
    group: hash('/etc/group'),
    systemUnits: list('/lib/systemd/system'),
    etcUnits: list('/etc/systemd/system/multi-user.target.wants'),
    clatterLib: list('/usr/lib/clatter'),
  };
}

interface DebEntry {
  readonly mode: string;
  readonly owner: string;
  readonly path: string;
}

/** `dpkg-deb -c`: mode string, owner/group and path (without the leading "." and a link's target). */
function debEntries(deb: string): DebEntry[] {
  return execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [mode, owner, , , , ...rest] = line.split(/\s+/);
      const path = rest.join(' ').replace(/ -> .*$/, '').replace(/^\./, '').replace(/(.)\/$/, '$1');
      return { mode, owner, path };
    });
}

describe.skipIf(!isRoot)('the Debian package', () => {
  let outDir: string;
  let deb: string;
  let entries: DebEntry[];
  let root: ThrowawayRoot | undefined;
  let lab: Lab | undefined;
  let engine: LabProcess | undefined;
  let before: Record<string, string>;
  /** Paths the package ships that the machine already has (shared directories such as /usr/bin). */
  let sharedPaths: Set<string>;

  beforeAll(() => {
    before = machineState();
    outDir = mkdtempSync(join(tmpdir(), 'clatter-deb-'));
    // `npm run package` without its build step: `npm test` has built dist/ already (pretest).
    // clatter alone, also where Electron is downloaded (desktop-deb.test.ts builds clatter-desktop).
    const noElectron = join(outDir, 'no-electron');
    deb = execFileSync('sh', [join(checkout.dir, 'scripts', 'build-deb.sh'), '--no-build', '--out', outDir, '--electron', noElectron], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    entries = debEntries(deb);
    sharedPaths = new Set(entries.map((entry) => entry.path).filter((path) => existsOnMachine(path)));
  }, 60_000);

  afterAll(async () => {
    try {
      if (engine !== undefined && engine.exit === null) {
        engine.child.kill('SIGTERM');
        // SIGKILL if it hangs on the way out: what follows (the lab, the root) must still go.
        const killer = setTimeout(() => engine?.child.kill('SIGKILL'), 10_000);
        await engine.exited;
        clearTimeout(killer);
      }
    } finally {
      try {
        await lab?.destroy();
      } finally {
        await root?.destroy();
        rmSync(outDir, { recursive: true, force: true });
      }
    }
  }, 60_000);

  it('is named clatter_<version>_<arch>.deb and holds what Clatter runs on, nothing of the build', () => {
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    expect(deb).toBe(join(outDir, `clatter_${checkout.version}_${arch}.deb`));
    const paths = entries.map((entry) => entry.path);
    for (const path of [
      '/usr/bin/clatter',
      '/usr/lib/clatter/bin/clatter.js',
      '/usr/lib/clatter/dist/core/cli/main.js',
      '/usr/lib/clatter/dist/renderer/index.html',
      '/usr/lib/clatter/build/Release/clatter_native.node',
      '/usr/lib/clatter/build/Release/clatter-call',
      '/usr/lib/clatter/build-info.json',
      '/lib/systemd/system/clatter.service',
      '/usr/lib/sysusers.d/clatter.conf',
      '/usr/share/polkit-1/actions/org.clatter.engine.policy',
      '/usr/lib/NetworkManager/conf.d/90-clatter.conf',
      '/usr/share/applications/clatter.desktop',
      '/usr/share/icons/hicolor/scalable/apps/clatter.svg',
      '/usr/share/man/man1/clatter.1.gz',
      '/usr/share/doc/clatter/copyright',
      '/usr/share/doc/clatter/changelog.gz',
    ]) {
      expect(paths).toContain(path);
    }
    // No tests, no Electron shell, no sources, maps or declarations, no node_modules.
    expect(paths.filter((path) => /\/(test|electron|node_modules)\/|\.(ts|map)$/.test(path))).toEqual([]);
    const control = execFileSync('dpkg-deb', ['-f', deb, 'Depends'], { encoding: 'utf8' });
    expect(control).toMatch(/^nodejs \(>= 20\), iproute2, nftables, libc6 \(>= [\d.]+\)\n$/);
  });

  it('passes lintian: no error, no warning', () => {
    let output: string;
    try {
      output = execFileSync('lintian', ['--tag-display-limit', '0', deb], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    const findings = output.split('\n').filter((line) => /^[EW]: /.test(line));
    expect(findings).toEqual([]);
  }, 120_000);

  it('installs with apt-get into a throwaway root: every file with its owner and mode, the group, the service enabled', async () => {
    root = await ThrowawayRoot.create();
    // The .deb inside the root: its /tmp is a tmpfs of the root's own.
    const inRoot = `/tmp/${deb.split('/').pop()}`;
    root.copyIn(deb, inRoot);
    // (Not --no-download: apt then refuses a local .deb. The dependencies are installed already,
    // so apt installs this package alone, which the summary line shows.)
    const install = root.run([...aptOffline, 'install', '-y', '--no-install-recommends', inRoot]);
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
    expect(install.stdout).toMatch(/^0 upgraded, 1 newly installed, 0 to remove/m);
    // An upgrade's path through the scripts (prerm upgrade, postinst configure <old version>).
    const again = root.run([...aptOffline, 'install', '-y', '--reinstall', '--no-install-recommends', inRoot]);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    root.check(['rm', inRoot]);
    expect(root.check(['dpkg-query', '-W', '-f', '${Status} ${Version}', 'clatter'])).toBe(`install ok installed ${checkout.version}`);

    // Every path of the package as the package says: mode and root ownership (directories the
    // machine already had, such as /usr/bin, are the machine's, not checked here).
    const stats = root
      .check(['stat', '-c', '%A %U/%G %n', ...entries.filter((entry) => !sharedPaths.has(entry.path) || !entry.mode.startsWith('d')).map((entry) => entry.path)])
      .trim()
      .split('\n');
    const expected = entries.filter((entry) => !sharedPaths.has(entry.path) || !entry.mode.startsWith('d')).map((entry) => `${entry.mode} ${entry.owner} ${entry.path}`);
    expect(stats).toEqual(expected);

    // The group, a system group (below 1000).
    const group = root.check(['getent', 'group', 'clatter']).trim();
    expect(group).toMatch(/^clatter:x:\d+:$/);
    expect(Number(group.split(':')[2])).toBeLessThan(1000);

    // Enabled for the next boot (deb-systemd-helper), not started: systemd is not running here.
    expect(root.check(['readlink', '/etc/systemd/system/multi-user.target.wants/clatter.service']).trim()).toBe('/lib/systemd/system/clatter.service');
    expect(root.run(['test', '-e', '/run/clatter/engine.sock']).code).not.toBe(0);
  }, 120_000);

  it('runs: clatter --version, clatter version --json (the commit it was built from, the addon loaded), --help of every command', () => {
    const r = root!;
    expect(r.check([...cleanEnv, 'clatter', '--version'])).toBe(`clatter ${checkout.version}\n`);
    const info = JSON.parse(r.check([...cleanEnv, 'clatter', 'version', '--json']));
    const head = execFileSync('git', ['-C', checkout.dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(info).toMatchObject({ version: checkout.version, commit: head, commitSource: 'package', addon: { ok: true, path: '/usr/lib/clatter/build/Release/clatter_native.node', napiVersion: 8 } });
    const help = r.check([...cleanEnv, 'clatter', '--help']);
    const names = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((match) => match[1]);
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(r.check([...cleanEnv, 'clatter', name, '--help'])).toMatch(new RegExp(`^Usage: (sudo )?clatter ${name}`));
    // man finds clatter(1) in its path; formatted from the file (-l), so it caches no cat page.
    expect(r.check([...cleanEnv, 'man', '-w', 'clatter']).trim()).toBe('/usr/share/man/man1/clatter.1.gz');
    expect(r.check([...cleanEnv, 'man', '-l', '-P', 'cat', '/usr/share/man/man1/clatter.1.gz'])).toMatch(/clatter - a 464XLAT CLAT/);
  });

  it('ships a unit systemd-analyze verifies, hardened (the exposure figure printed), a valid polkit policy and desktop entry', () => {
    const r = root!;
    // --man=no: the Documentation= page is checked above (man -w); verify would format it through
    // man, which leaves a cat page in man-db's cache that the purge check would then find.
    const verify = r.run(['systemd-analyze', 'verify', '--man=no', '/lib/systemd/system/clatter.service']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr).toBe('');
    const security = r.run(['systemd-analyze', 'security', '--offline=true', '--no-pager', '/lib/systemd/system/clatter.service']);
    const exposure = /Overall exposure level for clatter\.service: ([\d.]+) (\w+)/.exec(security.stdout);
    expect(exposure, security.stdout + security.stderr).not.toBeNull();
    console.log(`systemd-analyze security --offline=true: ${exposure![1]} ${exposure![2]}`);
    expect(Number(exposure![1])).toBeLessThan(4);

    const policy = '/usr/share/polkit-1/actions/org.clatter.engine.policy';
    // polkit's own DTD (polkitd ships it), not the DOCTYPE's URL: nothing is fetched.
    const valid = r.run(['xmllint', '--noout', '--nonet', '--dtdvalid', '/usr/share/polkit-1/policyconfig-1.dtd', policy]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(r.check(['cat', policy])).toContain('<annotate key="org.freedesktop.policykit.exec.path">/usr/bin/clatter</annotate>');

    const desktop = r.run(['desktop-file-validate', '/usr/share/applications/clatter.desktop']);
    expect(desktop.code, desktop.stdout).toBe(0);
    expect(desktop.stdout).toBe('');
    expect(r.run(['test', '-x', '/usr/lib/clatter/clatter-open']).code).toBe(0);
    expect(r.check(['cat', '/usr/lib/NetworkManager/conf.d/90-clatter.conf'])).toMatch(/^\[keyfile\]\nunmanaged-devices\+?=interface-name:clat$/m);
  });

  it("brings the CLAT up from the installed files, with the unit's command and capabilities, in the lab's host namespace: ping and HTTP work", async () => {
    const r = root!;
    lab = await createLab();
    const unit = r.check(['cat', '/lib/systemd/system/clatter.service']);
    const execStart = /^ExecStart=(.+)$/m.exec(unit)![1].split(' ');
    const capabilities = /^CapabilityBoundingSet=(.+)$/m.exec(unit)![1].split(' ');
    expect(execStart).toEqual(['/usr/bin/clatter', 'engine', '--auto']);
    // The unit's bounding set and NoNewPrivileges, as systemd would apply them.
    const bounding = ['-all', ...capabilities.map((cap) => `+${cap.replace(/^CAP_/, '').toLowerCase()}`)].join(',');
    engine = lab.spawn('host', r.command([...cleanEnv, 'setpriv', '--bounding-set', bounding, '--no-new-privs', ...execStart]), { name: 'packaged clatter engine' });
    await engine.waitForOutput(/listening on /, 20_000);

    const cli = (args: string[]) => lab!.exec('host', r.command([...cleanEnv, 'clatter', ...args]), { check: false, timeoutMs: 20_000 });
    const status = await pollUntil(
      async () => {
        const result = await cli(['status', '--json']);
        const parsed = result.code === 0 ? (JSON.parse(result.stdout) as ClatStatus) : null;
        return parsed?.state === 'running' ? parsed : null;
      },
      { timeoutMs: 20_000, what: 'the packaged engine running the CLAT by itself (--auto)' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nengine log:\n${engine!.output}`);
    });
    expect(status.state).toBe('running');
    // The socket is the group's, as the unit's RuntimeDirectory would have it.
    expect(r.check(['stat', '-c', '%U:%G %a', '/run/clatter/engine.sock']).trim()).toBe('root:clatter 660');

    const ping = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', serverIpv4], { timeoutMs: 20_000 });
    expect(ping.stdout).toMatch(/^3 packets transmitted, 3 received/m);
    const response = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`, 20_000);
    expect(response.status).toBe(200);
    expect(response.sha256).toBe(lab.server.http.sha256);

    // SIGTERM, as `systemctl stop` sends: the engine turns the CLAT off, undoes its changes and exits 0.
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toEqual({ code: 0, signal: null });
    expect((await lab.exec('host', ['ip', 'link', 'show', 'clat'], { check: false })).code).not.toBe(0);
  }, 120_000);

  it('leaves nothing behind after apt-get purge: no file, directory, group or unit of its own', () => {
    const r = root!;
    const purge = r.run([...aptOffline, 'purge', '-y', 'clatter']);
    expect(purge.code, `${purge.stdout}\n${purge.stderr}`).toBe(0);
    expect(r.run(['dpkg-query', '-W', 'clatter']).code).not.toBe(0);
    expect(r.run(['getent', 'group', 'clatter']).code).not.toBe(0);
    for (const path of entries.map((entry) => entry.path).filter((path) => !sharedPaths.has(path))) {
      expect(r.run(['test', '-e', path]).code, `${path} is still there`).not.toBe(0);
    }
    // The root against the machine's: what is in the upper layer is what install and purge wrote.
    // Nothing new may remain but apt's and dpkg's own records, and nothing of the machine's may be gone.
    const upper: UpperEntry[] = r.upperEntries();
    // The scan sees what was written: dpkg's database changed (and is not a new path).
    expect(upper).toContainEqual({ path: '/var/lib/dpkg/status', kind: 'file', inLower: true });
    const leftOver = upper.filter((entry) => entry.kind !== 'whiteout' && !entry.inLower && !bookkeeping.some((pattern) => pattern.test(entry.path)));
    expect(leftOver.map((entry) => entry.path)).toEqual([]);
    expect(upper.filter((entry) => entry.kind === 'whiteout').map((entry) => entry.path)).toEqual([]);
    expect(upper.filter((entry) => /clatter/.test(entry.path)).map((entry) => entry.path)).toEqual([]);
  }, 60_000);

  it("left this machine's dpkg database, groups and units as they were", () => {
    expect(machineState()).toEqual(before);
  });
});

function existsOnMachine(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}
