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
  webhooks: ['payments', 'accounts', 'platform'],
};

/**
 * Who writes which table: one owner each (ARCHITECTURE.md, "The ledger, precisely"). Accounts rows
 * are the accounts library's (open, freeze, close), but their balance columns are the ledger's.
 */
const TABLE_OWNERS: Record<string, string[]> = {
  users: ['users', 'access_tokens', 'email_confirmations', 'api_keys'],
  accounts: ['accounts', 'account_audit'],
  ledger: ['operations', 'holds'],
  fx: ['fx_rates'],
  payments: ['payments', 'payment_groups', 'payment_sweep', 'capture_requests'],
  webhooks: ['webhook_endpoints', 'webhook_deliveries', 'webhook_events'],
};
const LEDGER_ACCOUNT_COLUMNS = ['balance', 'held_balance'];

/** The tables the migrations create. */
const migratedTables = () =>
  readdirSync('migrations')
    .filter((f) => /^\d+-.+\.ts$/.test(f))
    .flatMap((f) =>
      [...readFileSync(join('migrations', f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map(
        (m) => m[1],
      ),
    );

/** A file's code without its comments, where prose may name a statement it does not run. */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1');

/** What the SQL of `source` writes: each table, and for an UPDATE the columns it sets. */
function writesOf(source: string): Array<{ statement: string; table: string; columns: string[] }> {
  return [
    ...source.matchAll(/\b(INSERT INTO|UPDATE|DELETE FROM|TRUNCATE(?: TABLE)?)\s+(?:ONLY\s+)?(\w+)\b(?=([^`]*))/g),
  ].map((m) => ({
    statement: m[1],
    table: m[2],
    columns:
      m[1] === 'UPDATE'
        ? [
            ...(/\bSET\b([\s\S]*?)(?:\bFROM\b|\bWHERE\b|\bRETURNING\b|$)/.exec(m[3])?.[1].matchAll(/(\w+)\s*=/g) ?? []),
          ].map((c) => c[1])
        : [],
  }));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

describe('architecture', () => {
  it.each(Object.keys(ALLOWED))(
    'lets the %s library import only the libraries below it, through their public face',
    (library) => {
      const offending: string[] = [];
      for (const file of sources(join('libs', library, 'src'))) {
        for (const target of imports(file)) {
          const alias = /^#(\w+)$/.exec(target)?.[1];
          if (alias && !ALLOWED[library].includes(alias)) offending.push(`${relative('.', file)} imports #${alias}`);
          if (/(^|\/)(apps|libs)\//.test(target) || /\.\.\/\.\.\/\.\.\//.test(target))
            offending.push(`${relative('.', file)} reaches into ${target}`);
        }
      }
      expect(offending).toEqual([]);
    },
  );

  it('lets the apps reach libraries only through their public faces', () => {
    const offending = sources('apps').flatMap((file) =>
      imports(file)
        .filter((target) => target.includes('libs/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  describe('lets each library write only the tables it owns', () => {
    const owners = new Map(
      Object.entries(TABLE_OWNERS).flatMap(([library, tables]) => tables.map((table) => [table, library])),
    );

    it('knows the one owner of every table the migrations create', () => {
      const tables = migratedTables();
      expect(tables.length).toBeGreaterThan(0);
      expect(tables.filter((t) => !owners.has(t))).toEqual([]);
      expect([...owners.keys()].filter((t) => !tables.includes(t))).toEqual([]);
    });

    // The SQL strings of each library's source; not its tests, nor the migrations' triggers, which
    // write webhook_deliveries as payments change: the database's doing, defined with the schema.
    it.each(Object.keys(ALLOWED))('in the SQL of the %s library', (library) => {
      const offending: string[] = [];
      for (const file of sources(join('libs', library, 'src'))) {
        for (const { statement, table, columns } of writesOf(code(file))) {
          const owner = owners.get(table);
          if (!owner) continue; // a word after UPDATE that names no table, as in FOR NO KEY UPDATE
          const balances = columns.filter((c) => LEDGER_ACCOUNT_COLUMNS.includes(c));
          const at = `${relative('.', file)}: ${statement} ${table}`;
          if (table === 'accounts' && statement === 'UPDATE' && library === 'ledger') {
            if (balances.length < columns.length)
              offending.push(
                `${at} sets ${columns.join(', ')}: the ledger sets only ${LEDGER_ACCOUNT_COLUMNS.join(', ')}`,
              );
          } else if (owner !== library) offending.push(`${at}, a table of ${owner}`);
          else if (balances.length) offending.push(`${at} sets ${balances.join(', ')}, the ledger's columns`);
        }
      }
      expect(offending).toEqual([]);
    });
  });

  describe('keeps measured figures in docs/performance.md, where they are dated, not where they go stale', () => {
    const FIGURE = /\d\s?(%|µs|ms\b|[KM]B\b|\/s\b|×)|\ba (third|quarter|fifth|sixth|seventh|eighth|ninth|tenth) of\b/;

    it('in no comment of the code', () => {
      const files = execFileSync('git', ['ls-files', 'apps/*.ts', 'libs/*.ts', 'migrations/*.ts', 'scripts/*.ts'], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((f) => f && !f.endsWith('.spec.ts'));
      const offending = files.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({
            at: `${file}:${i + 1}`,
            comment: /^\s*(\/\/|\/?\*)/.test(line) ? line : (/\s\/\/\s.*$/.exec(line)?.[0] ?? ''),
          }))
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
