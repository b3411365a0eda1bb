import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// What infra.sh asks of docker compose when a Docker engine answers. The `docker` on PATH here
// records its arguments and answers `docker info`; which services those arguments start is
// checked against the real compose CLI by tools/ci/lint-compose.sh (the servers' view).
const root = join(__dirname, '../..');
const servers = ['postgres', 'redis', 'kafka', 'clickhouse', 'mongo', 'prometheus', 'jaeger'];
const files = ['-f', join(root, 'docker-compose.yml'), '-f', join(root, 'compose/servers.yml')];

describe('infra.sh with a Docker engine', () => {
  let bin: string;
  const calls = () => join(bin, 'calls');

  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'infra-docker-'));
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >>"${calls()}"\n`);
    // Present, so that `up` does not install Debian's Prometheus for the tests beside compose.
    writeFileSync(join(bin, 'prometheus'), '#!/bin/sh\n');
    for (const tool of ['docker', 'prometheus']) chmodSync(join(bin, tool), 0o755);
    writeFileSync(calls(), '');
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  const infra = (...args: string[]) => {
    execFileSync('bash', [join(root, 'tools/infra/infra.sh'), ...args], {
      env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, INFRA_MODE: 'docker' },
      stdio: 'pipe',
    });
    return readFileSync(calls(), 'utf8').trim().split('\n').slice(1); // [0] is `docker info`
  };

  it('starts exactly the servers when up names none, never the whole system', () => {
    expect(infra('up')).toEqual([['compose', ...files, 'up', '-d', '--wait', ...servers].join(' ')]);
  });

  it('starts only the servers it is given', () => {
    expect(infra('up', 'kafka', 'postgres')).toEqual([
      ['compose', ...files, 'up', '-d', '--wait', 'kafka', 'postgres'].join(' '),
    ]);
  });

  it('stops exactly the servers when down names none, and leaves the apps to compose', () => {
    expect(infra('down')).toEqual([['compose', ...files, 'stop', ...servers].join(' ')]);
  });

  it('refuses a name that is not a server, such as an app', () => {
    expect(() => infra('up', 'api-gateway')).toThrow(/unknown service 'api-gateway'/);
  });
});
