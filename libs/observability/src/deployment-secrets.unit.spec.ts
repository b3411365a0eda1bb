import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { env, isPublishedSecret, parseEnv } from './config';

// Every credential written into the repository's deployment files must be one the apps refuse
// outside NODE_ENV=development|test: published (published-secrets.ts, or an env.secret()'s
// developmentValue). A new password in docker-compose.yml, .env.example or k8s/ that is not
// published would be accepted by a production app that someone started with the file as it is.
const root = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** A variable whose value is a credential. */
const SECRET_NAME = /PASSWORD|SECRET|PRIVATE|SIGNING_KEY|API_KEY|_TOKEN$|REDISCLI_AUTH/;
/** The password of a URL with credentials: `scheme://user:password@host`. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s@'"/]+)@/g;
/** docker compose's `${NAME:-default}`. */
const COMPOSE_DEFAULT = /\$\{([A-Z0-9_]+):-([^}]*)\}/g;

interface Found {
  file: string;
  where: string;
  value: string;
}

function urlPasswords(file: string, where: string, text: string): Found[] {
  return [...text.matchAll(URL_PASSWORD)].map((m) => ({
    file,
    where,
    value: decodeURIComponent(m[1] ?? ''),
  }));
}

/** A value that is a reference, not a credential: `${VAR}`, `$(VAR)`, empty. */
const isReference = (value: string) => value.trim() === '' || /^\$[({][A-Z0-9_]+[)}]$/.test(value.trim());

function credentialsInCompose(): Found[] {
  const file = 'docker-compose.yml';
  const text = read(file);
  const defaults = [...text.matchAll(COMPOSE_DEFAULT)]
    .filter((m) => SECRET_NAME.test(m[1] ?? '') && (m[2] ?? '') !== '')
    .map((m) => ({ file, where: `\${${m[1]}:-...}`, value: m[2] ?? '' }));
  // What compose runs with no variable set: every default in place.
  const resolved = text.replace(COMPOSE_DEFAULT, (_, _name: string, value: string) => value);
  const literals: Found[] = [];
  const [document] = parseAllDocuments(resolved).map((d) => d.toJS({ maxAliasCount: -1 }) as Compose);
  for (const [service, definition] of Object.entries(document?.services ?? {})) {
    for (const [name, value] of Object.entries(definition.environment ?? {})) {
      if (SECRET_NAME.test(name) && typeof value === 'string' && !isReference(value))
        literals.push({ file, where: `${service}.${name}`, value });
    }
  }
  return [...defaults, ...literals, ...urlPasswords(file, 'a URL', resolved)];
}

interface Compose {
  services?: Record<string, { environment?: Record<string, unknown> }>;
}

function credentialsInEnvExample(): Found[] {
  const file = '.env.example';
  return read(file)
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .flatMap((line) => {
      const [name = '', value = ''] = line.split(/=(.*)/s);
      const found = urlPasswords(file, name, value);
      if (SECRET_NAME.test(name) && !isReference(value)) found.push({ file, where: name, value });
      return found;
    });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** A Secret's value (or a secretGenerator literal): a URL's password, or the value itself. */
function secretValue(file: string, where: string, value: string): Found[] {
  if (isReference(value)) return [];
  const passwords = urlPasswords(file, where, value);
  if (passwords.length > 0) return passwords;
  return /^[a-z][a-z0-9+.-]*:\/\//.test(value) ? [] : [{ file, where, value }];
}

function credentialsInK8s(): Found[] {
  const found: Found[] = [];
  for (const file of yamlFiles('k8s')) {
    const text = read(file);
    found.push(...urlPasswords(file, 'a URL', text));
    for (const document of parseAllDocuments(text).map((d) => d.toJS() as K8sObject | null)) {
      if (!document) continue;
      const name = `${document.kind ?? 'Kustomization'}/${document.metadata?.name ?? relative('k8s', file)}`;
      if (document.kind === 'Secret') {
        for (const [key, value] of Object.entries(document.stringData ?? {}))
          found.push(...secretValue(file, `${name}.${key}`, String(value)));
        for (const [key, value] of Object.entries(document.data ?? {}))
          found.push(...secretValue(file, `${name}.${key}`, Buffer.from(String(value), 'base64').toString()));
      }
      for (const generator of document.secretGenerator ?? []) {
        for (const literal of generator.literals ?? []) {
          const [key = '', value = ''] = literal.split(/=(.*)/s);
          found.push(...secretValue(file, `secretGenerator ${generator.name}.${key}`, value));
        }
      }
      JSON.stringify(document, (key, value: unknown) => {
        // Every container env entry with a literal value, wherever it sits (Deployments, patches).
        const entry = value as { name?: unknown; value?: unknown } | null;
        if (entry && typeof entry.name === 'string' && typeof entry.value === 'string')
          if (SECRET_NAME.test(entry.name) && !isReference(entry.value))
            found.push({ file, where: `${name} env ${entry.name}`, value: entry.value });
        return value;
      });
    }
  }
  return found;
}

interface K8sObject {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
  secretGenerator?: { name: string; literals?: string[] }[];
}

const notRefused = (found: Found[]) =>
  found.filter((f) => !isPublishedSecret(f.value)).map((f) => `${f.file}: ${f.where}`);

const HOW =
  'a credential in a deployment file must be refused outside development: register its value in ' +
  'libs/observability/src/published-secrets.ts (or use the env.secret() developmentValue)';

/** `NAME_PASSWORD=value` in the drill's scripts (their servers' own superuser and replication roles). */
function credentialsInDrillScripts(): Found[] {
  const dir = 'tools/drill';
  return readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.sh'))
    .flatMap((name) =>
      [...read(`${dir}/${name}`).matchAll(/^([A-Z_]*PASSWORD)=([^\s$]+)$/gm)].map((m) => ({
        file: `${dir}/${name}`,
        where: m[1] ?? '',
        value: m[2] ?? '',
      })),
    );
}

describe('the credentials written into the deployment files', () => {
  it('finds the credentials of docker-compose.yml, .env.example and k8s/ (the scan is not blind)', () => {
    expect(credentialsInCompose().map((f) => f.value)).toEqual(
      expect.arrayContaining(['redis-app-dev-password', 'auth-service-dev-password', 'postgres']),
    );
    expect(credentialsInEnvExample().map((f) => f.value)).toEqual(expect.arrayContaining(['postgres']));
    expect(credentialsInK8s().length).toBeGreaterThan(0);
  });

  it('refuses outside development every credential of docker-compose.yml', () => {
    expect({ HOW, notRefused: notRefused(credentialsInCompose()) }).toEqual({ HOW, notRefused: [] });
  });

  it('refuses outside development every credential of .env.example', () => {
    expect({ HOW, notRefused: notRefused(credentialsInEnvExample()) }).toEqual({ HOW, notRefused: [] });
  });

  it("refuses outside development every credential of the failover drill's scripts", () => {
    expect(credentialsInDrillScripts().map((f) => f.value)).toEqual(['scout', 'scout-repl']);
    expect({ HOW, notRefused: notRefused(credentialsInDrillScripts()) }).toEqual({ HOW, notRefused: [] });
  });

  it('refuses outside development every credential of the k8s manifests and overlays', () => {
    expect({ HOW, notRefused: notRefused(credentialsInK8s()) }).toEqual({ HOW, notRefused: [] });
  });

  it('makes an app refuse a database URL with a compose password under NODE_ENV=production', () => {
    const schema = z.object({
      DATABASE_URL: env.secretUrl({ developmentValue: 'postgres://127.0.0.1/app', protocols: ['postgres:'] }),
    });
    const composeUrl = 'postgres://auth_service:auth-service-dev-password@postgres:5432/auth';
    expect(() => parseEnv(schema, { NODE_ENV: 'production', DATABASE_URL: composeUrl })).toThrow(
      /DATABASE_URL: is a value published in the repository/,
    );
    expect(parseEnv(schema, { NODE_ENV: 'development', DATABASE_URL: composeUrl }).DATABASE_URL).toBe(
      composeUrl,
    );
  });
});
