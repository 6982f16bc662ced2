import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The arrows of ARCHITECTURE.md, enforced: which library may import which (through its `#name`
 * public face only), no library imports an app, and no file reaches into another library's source.
 */
const ALLOWED: Record<string, string[]> = {
  platform: [],
  users: ['platform'],
  accounts: ['platform'],
  fx: ['platform'],
  ledger: ['accounts', 'platform'],
  payments: ['ledger', 'accounts', 'fx', 'platform'],
  events: ['payments', 'accounts', 'users', 'platform'],
  webhooks: ['payments', 'platform'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

describe('architecture', () => {
  it.each(Object.keys(ALLOWED))('lets the %s library import only the libraries below it, through their public face', (library) => {
    const offending: string[] = [];
    for (const file of sources(join('libs', library, 'src'))) {
      for (const target of imports(file)) {
        const alias = /^#(\w+)$/.exec(target)?.[1];
        if (alias && !ALLOWED[library].includes(alias)) offending.push(`${relative('.', file)} imports #${alias}`);
        if (/(^|\/)(apps|libs)\//.test(target) || /\.\.\/\.\.\/\.\.\//.test(target)) offending.push(`${relative('.', file)} reaches into ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('lets the apps reach libraries only through their public faces', () => {
    const offending = sources('apps').flatMap((file) => imports(file).filter((target) => target.includes('libs/')).map((target) => `${file} imports ${target}`));
    expect(offending).toEqual([]);
  });

  describe('keeps measured figures in docs/performance.md, where they are dated, not where they go stale', () => {
    const FIGURE = /\d\s?(%|µs|ms\b|[KM]B\b|\/s\b|×)|\ba (third|quarter|fifth|sixth|seventh|eighth|ninth|tenth) of\b/;

    it('in no comment of the code', () => {
      const files = execFileSync('git', ['ls-files', 'apps/*.ts', 'libs/*.ts', 'migrations/*.ts', 'scripts/*.ts'], { encoding: 'utf8' }).split('\n').filter((f) => f && !f.endsWith('.spec.ts'));
      const offending = files.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ at: `${file}:${i + 1}`, comment: /^\s*(\/\/|\/?\*)/.test(line) ? line : (/\s\/\/\s.*$/.exec(line)?.[0] ?? '') }))
          .filter(({ comment }) => FIGURE.test(comment))
          .map(({ at, comment }) => `${at} ${comment.trim()}`),
      );
      expect(offending).toEqual([]);
    });

    it("in none of the README's Architecture section", () => {
      const readme = readFileSync('README.md', 'utf8');
      const section = /\n## Architecture\n([\s\S]*?)\n## /.exec(readme)?.[1];
      expect(section).toBeDefined();
      expect(section!.split('\n').filter((line) => FIGURE.test(line))).toEqual([]);
    });
  });
});
