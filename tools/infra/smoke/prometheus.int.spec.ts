import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Prometheus (Debian's package, started by infra.sh) and the repository's rules: every rule file
// passes `promtool check rules`, every unit test of tools/observability/prometheus/tests passes
// `promtool test rules`, and the running server has loaded them all.
const root = join(__dirname, '../../..');
const prometheusDir = join(root, 'tools/observability/prometheus');
const ruleFiles = readdirSync(join(prometheusDir, 'rules')).filter((f) => f.endsWith('.yml'));
const testFiles = readdirSync(join(prometheusDir, 'tests')).filter((f) => f.endsWith('.test.yml'));
const prometheusUrl = process.env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';

/** Runs promtool; a failure throws with everything it printed. */
function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: prometheusDir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('promtool is not installed: npm run infra:up installs Prometheus', { cause: error });
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: error,
    });
  }
}

describe('Prometheus rules', () => {
  it('has rule files and unit tests for them', () => {
    expect(ruleFiles).toEqual(
      expect.arrayContaining([
        'http.rules.yml',
        'messaging.rules.yml',
        'outbox.rules.yml',
        'dlq.rules.yml',
        'slo.rules.yml',
      ]),
    );
    expect(testFiles.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ruleFiles)('%s passes promtool check rules', (file) => {
    expect(promtool('check', 'rules', join('rules', file))).toContain('SUCCESS');
  });

  it.each(testFiles)('%s passes promtool test rules', (file) => {
    expect(promtool('test', 'rules', join('tests', file))).toContain('SUCCESS');
  });

  it('the compose configuration passes promtool check config', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  it('the running Prometheus has loaded every rule group', async () => {
    const res = await fetch(`${prometheusUrl}/api/v1/rules`);
    const body = (await res.json()) as { data: { groups: { name: string; file: string }[] } };
    const files = new Set(body.data.groups.map((g) => g.file.split('/').pop()));
    expect([...files].sort()).toEqual([...ruleFiles].sort());
  });
});
