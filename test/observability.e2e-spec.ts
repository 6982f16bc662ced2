import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { migrateTestDatabase } from './support/harness.js';
import { type RunningProcess, startApiProcess, startWorkerProcess } from './support/processes.js';

interface Dashboard {
  uid: string;
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
}
interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{ alert: string; expr: string; for?: string; labels?: Record<string, string> }>;
  }>;
}

const dashboard = JSON.parse(readFileSync('deploy/grafana/dashboards/billing-gateway.json', 'utf8')) as Dashboard;
const rules = parseYaml(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as RuleFile;
const prometheus = parseYaml(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as {
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
};
const datasource = parseYaml(readFileSync('deploy/grafana/provisioning/datasources/prometheus.yml', 'utf8')) as {
  datasources: Array<{ uid: string; url: string }>;
};
const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, { profiles?: string[]; volumes?: string[] }>;
};

/**
 * The metric names a PromQL expression reads: label matchers and `by (…)` lists removed, ours and
 * the Node client's by prefix.
 */
function metricNames(expr: string): string[] {
  const withoutMatchers = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return withoutMatchers.match(/\b(billing|http|process|nodejs)_[a-z0-9_]+/g) ?? [];
}

const expressions = [
  ...dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  ),
  ...rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
];

/** Every name in the Prometheus text (`# TYPE name kind`). */
function exportedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1]));
}

describe('the dashboard and the alert rules', () => {
  it('parse and are wired: Prometheus scrapes api and worker and loads the rules, Grafana reads the dashboard', () => {
    expect(dashboard.panels.length).toBeGreaterThan(0);
    expect(rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert))).toEqual(
      expect.arrayContaining([
        'PostingBacklogAboveBound',
        'LedgerUnbalanced',
        'WebhookFailureRatioHigh',
        'HttpServerErrorRatioHigh',
      ]),
    );
    expect(prometheus.scrape_configs.map((config) => config.static_configs[0].targets[0])).toEqual([
      'api:3000',
      'worker:3001',
    ]);
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(datasource.datasources[0].uid);
    for (const service of ['prometheus', 'grafana'])
      expect(compose.services[service].profiles).toEqual(['observability']);
    expect(compose.services.prometheus.volumes).toContain(
      './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
  });

  it('name in every expression at least one metric, with balanced brackets', () => {
    for (const { where, expr } of expressions) {
      expect([where, metricNames(expr).length > 0]).toEqual([where, true]);
      for (const [open, close] of [
        ['(', ')'],
        ['{', '}'],
        ['[', ']'],
      ])
        expect([where, expr.split(open).length]).toEqual([where, expr.split(close).length]);
    }
  });

  describe('against the running processes', () => {
    let exported: Set<string>;

    beforeAll(async () => {
      await migrateTestDatabase();
      const started: RunningProcess[] = [];
      try {
        started.push(await startApiProcess()); // first, as in production: it creates the technical accounts
        started.push(await startWorkerProcess());
        const texts = await Promise.all(started.map((each) => fetch(`${each.url}/metrics`).then((res) => res.text())));
        exported = new Set(texts.flatMap((text) => [...exportedNames(text)]));
      } finally {
        await Promise.all(started.map((each) => each.stop()));
      }
    });

    it('name only metrics that the api or the worker exports', () => {
      const isExported = (name: string) => exported.has(name) || exported.has(name.replace(/_(bucket|count|sum)$/, ''));
      const missing = expressions.flatMap(({ where, expr }) =>
        metricNames(expr)
          .filter((name) => !isExported(name))
          .map((name) => `${where}: ${name}`),
      );
      expect(missing).toEqual([]);
    });
  });
});
