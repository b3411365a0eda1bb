import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// Generates one HTTP service and one consumer in a copy of this working tree (committed or not)
// with the real `nx g`, then runs what CI runs on them: lint, typecheck and unit tests of both apps,
// of tools/k8s (whose tests hold the manifests to the apps and the generated files to their
// sources) and of tools/infra (the compose services), the compose and deployment checks, prettier.
const root = join(__dirname, '../../../..');
const HTTP_APP = 'inventory-service';
const CONSUMER_APP = 'stock-watcher';

/** Nx without its daemon, cloud or cache: each run sees the files as they are now. */
const nxEnv = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: 'true',
  CI: 'true',
  FORCE_COLOR: '0',
  // The Go tools of the CI checks (compose, kustomize, the validator), built once for this working
  // tree rather than again in each copy.
  INFRA_HOME: process.env['INFRA_HOME'] ?? join(root, '.infra'),
};

/** The text of a command's output without terminal colours. */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (output: string) => output.replace(COLOUR, '');

/** Runs a command in `cwd`; throws with the end of its output when it fails. */
function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, env: nxEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${output.slice(-6_000)}`);
  return output;
}

/** Copies the files git would see (tracked and new, not ignored) into a new repository and links node_modules. */
function copyWorkspace(): string {
  const copy = mkdtempSync(join(tmpdir(), 'platform-generator-'));
  const files = run(root, 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((file) => file && !file.startsWith('node_modules') && existsSync(join(root, file)));
  for (const file of files) cpSync(join(root, file), join(copy, file), { recursive: false });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'), 'dir');
  // A repository of its own: actionlint (in lint-deploy.sh) looks for the workflows from its root.
  run(copy, 'git', ['init', '--quiet']);
  return copy;
}

describe('nx g @platform/tools:service', () => {
  let workspace: string;
  const read = (path: string) => readFileSync(join(workspace, path), 'utf8');

  beforeAll(() => {
    workspace = copyWorkspace();
    run(workspace, 'npx', [
      'nx',
      'g',
      '@platform/tools:service',
      HTTP_APP,
      '--kind=http',
      '--no-interactive',
    ]);
    run(workspace, 'npx', [
      'nx',
      'g',
      '@platform/tools:service',
      CONSUMER_APP,
      '--kind=consumer',
      '--owner=@platform/orders-team',
      '--no-interactive',
    ]);
  });

  afterAll(() => {
    if (workspace && dirname(workspace) === tmpdir()) rmSync(workspace, { recursive: true, force: true });
  });

  it('creates services whose lint, typecheck and unit tests pass, and keeps those of k8s and infra green', () => {
    // One run for the four projects: Nx starts once and runs their targets side by side. The
    // infra tests hold every app's compose service to the project's rules.
    const output = run(workspace, 'npx', [
      'nx',
      'run-many',
      '-t',
      'lint',
      'typecheck',
      'test',
      '-p',
      HTTP_APP,
      CONSUMER_APP,
      'k8s',
      'infra',
      '--skipNxCache',
      '--outputStyle=static',
    ]);
    expect(plain(output)).toContain('Successfully ran targets lint, typecheck, test for 4 projects');
  });

  it('passes the compose checks (each way of starting it) and the manifest checks of CI', () => {
    expect(run(workspace, 'bash', ['tools/ci/lint-compose.sh'])).toMatch(
      /compose: the whole system \(\d+ services\)/,
    );
    const deploy = run(workspace, 'bash', ['tools/ci/lint-deploy.sh']);
    expect(deploy).toContain('k8s: k8s/overlays/dev builds');
    expect(deploy).toContain('k8s: k8s/overlays/prod builds');
  });

  it('leaves every file it wrote formatted', () => {
    run(workspace, 'npx', [
      'prettier',
      '--check',
      `apps/${HTTP_APP}`,
      `apps/${CONSUMER_APP}`,
      'k8s',
      'compose',
      'docker-compose.yml',
      'README.md',
      'eslint.config.mjs',
      'tools/observability/prometheus/prometheus.yml',
      'tools/k8s/manifests.unit.spec.ts',
      'tools/k8s/scaled-objects.ts',
    ]);
  });

  it('puts both in compose, the k8s base and CODEOWNERS', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { build: { args: { APP: string } } }>;
    };
    expect(compose.services[HTTP_APP].build.args.APP).toBe(HTTP_APP);
    expect(compose.services[CONSUMER_APP].build.args.APP).toBe(CONSUMER_APP);
    const resources = (parse(read('k8s/base/kustomization.yaml')) as { resources: string[] }).resources;
    expect(resources).toEqual(expect.arrayContaining([`apps/${HTTP_APP}`, `apps/${CONSUMER_APP}`]));
    expect(read('.github/CODEOWNERS')).toMatch(
      new RegExp(`^/apps/${CONSUMER_APP}/\\s+@platform/orders-team$`, 'm'),
    );
  });

  it('gives both a ServiceMonitor, and the consumer a ScaledObject', () => {
    const kinds = (path: string) =>
      parseAllDocuments(read(path)).map((doc) => {
        const resource = doc.toJS() as { kind: string; metadata: { name: string } };
        return `${resource.kind}/${resource.metadata.name}`;
      });
    expect(kinds('k8s/components/monitoring/monitors.yaml')).toEqual(
      expect.arrayContaining([`ServiceMonitor/${HTTP_APP}`, `ServiceMonitor/${CONSUMER_APP}`]),
    );
    expect(kinds('k8s/components/keda/scaled-objects.yaml')).toContain(`ScaledObject/${CONSUMER_APP}`);
    expect(kinds('k8s/components/keda/scaled-objects.yaml')).not.toContain(`ScaledObject/${HTTP_APP}`);
  });
});
