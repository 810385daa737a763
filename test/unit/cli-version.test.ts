import { describe, expect, it } from 'vitest';
import { manPage } from '../../core/cli/man-page.js';
import { commands } from '../../core/cli/main.js';
import { findPackageRoot } from '../../core/install/package-root.js';
import { runClatter } from './cli-fixture.js';

describe('clatter --version and clatter version', () => {
  it('prints the version of package.json alone for --version', async () => {
    const { version } = findPackageRoot();
    expect(await runClatter('--version')).toEqual({ code: 0, stdout: `clatter ${version}\n`, stderr: '' });
    expect((await runClatter('-V')).stdout).toBe(`clatter ${version}\n`);
  });

  it('reports the commit, Node and the ABI the addon was built for, as JSON', async () => {
    const { code, stdout } = await runClatter('version', '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(info.commitSource).toBe('git');
    expect(info.node).toEqual({ version: process.versions.node, modulesAbi: process.versions.modules, napiVersion: Number(process.versions.napi) });
    // binding.gyp's NAPI_VERSION, read back from the loaded addon.
    expect(info.addon).toMatchObject({ ok: true, napiVersion: 8 });
    expect(info.addon.napiVersion).toBeLessThanOrEqual(info.node.napiVersion);
  });

  it('says the same in text', async () => {
    const { code, stdout } = await runClatter('version');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^clatter \d+\.\d+\.\d+\ncommit {3}[0-9a-f]{40} \(source checkout\)\nnode .*\naddon {4}Node-API 8 /);
  });
});

describe('clatter(1)', () => {
  it('holds every command’s help, with roff’s special characters escaped', () => {
    const page = manPage(commands, '1.2.3');
    expect(page).toMatch(/^\.TH CLATTER 1 "" "clatter 1\.2\.3"/);
    for (const command of commands) {
      expect(page).toContain(`.SS ${command.name}\n`);
      expect(page).toMatch(new RegExp(`^Usage: (sudo )?clatter ${command.name}`, "m"));
    }
    // No help line may start a roff request, and options keep their hyphen-minus.
    expect(page).not.toMatch(/^\.nf\n[.']/m);
    expect(page).toContain('\\-\\-socket PATH');
  });
});
