// Pack the client packages as npm would publish them and install them into a fresh project, the
// way a tenant service that only uses the client installs Metis. Used by the packed-install test
// and by benchmark P0.
import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/** The packages a client-only tenant service installs, in dependency order. */
export const CLIENT_PACKAGES = ['fsm', 'workflows', 'activities', 'sdk'] as const;

/** A temporary tenant project with the packed client installed. */
export interface ClientProject {
  /** The project directory (its node_modules holds the install). */
  readonly dir: string;
  /** Bytes on disk of its node_modules. */
  readonly installedBytes: number;
  /** Names of every installed package, nested ones included (`@scope/name` as such). */
  readonly installed: readonly string[];
}

async function diskBytes(path: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', path]);
  return Number(stdout.split('\t')[0]);
}

// Every package of the install, nested ones included, by name.
async function installedNames(dir: string): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--all', '--parseable'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const names = stdout
    .split('\n')
    .map((path) => path.split('/node_modules/').slice(1).pop())
    .filter((name): name is string => name !== undefined && name !== '');
  return [...new Set(names)].sort();
}

/** Pack `@metis/sdk` and the packages it depends on (built `dist/` required) and `npm install` them into `dir`. */
export async function installClientProject(dir: string): Promise<ClientProject> {
  const packs = join(dir, 'packs');
  await mkdir(packs, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const name of CLIENT_PACKAGES) {
    const pkg = join(root, 'packages', name);
    await stat(join(pkg, 'dist')).catch(() => {
      throw new Error(`packages/${name}/dist is missing: run \`npm run build\` first`);
    });
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', packs], { cwd: pkg });
    const file = stdout.trim().split('\n').pop() ?? '';
    tarballs[`@metis/${name}`] = `file:${file.startsWith('/') ? file : join(packs, file)}`;
  }
  const manifest = {
    name: 'tenant-service',
    private: true,
    type: 'module',
    dependencies: { '@metis/sdk': tarballs['@metis/sdk'] },
    // The packed packages name each other by version; point those at the tarballs, not a registry.
    overrides: Object.fromEntries(Object.entries(tarballs).filter(([name]) => name !== '@metis/sdk')),
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const modules = join(dir, 'node_modules');
  return { dir, installedBytes: await diskBytes(modules), installed: await installedNames(dir) };
}
