// What a forwarded request's identity costs, per request, for the two designs the trust model
// allowed (docs/architecture.md, docs/security.md), beside the shared-HMAC headers they replace:
//   hmac      the former scheme: HMAC-SHA256 headers, sign at the gateway + verify upstream
//   minted    the chosen one: the gateway mints an EdDSA (Ed25519) token bound to upstream,
//             method and path; the upstream verifies it
//   forwarded the alternative: the upstream verifies the caller's RS256 access token itself
//             (jose, key already in memory; a JWKS fetch and the revocation lookup come on top)
// CPU time only, in one process; 5 rounds, medians reported:  npm run bench:identity
import { median } from '@platform/service-edge';
import {
  DEVELOPMENT_GATEWAY_IDENTITY_KEYS,
  GatewayIdentitySigner,
  GatewayIdentityVerifier,
} from '@platform/identity';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeReport } from './harness';

const ROUNDS = 5;
const PER_ROUND = Number(process.argv[2] ?? 20_000);

async function timePerCall(fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 1_000; i += 1) await fn(); // warm-up: JIT and key caches
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i += 1) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1_000 / PER_ROUND);
  }
  return median(samples);
}

function hmacScheme() {
  const secret = 'a-shared-secret-of-thirty-two-characters-or-more';
  const sign = () => {
    const issuedAt = String(Date.now());
    const signature = createHmac('sha256', secret).update(`u-1\ncustomer\n${issuedAt}`).digest('base64url');
    return { issuedAt, signature };
  };
  const verify = (h: { issuedAt: string; signature: string }) => {
    const expected = createHmac('sha256', secret).update(`u-1\ncustomer\n${h.issuedAt}`).digest();
    const given = Buffer.from(h.signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return { sign, verify };
}

async function main(): Promise<void> {
  const signer = new GatewayIdentitySigner(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.signingKey);
  const verifier = new GatewayIdentityVerifier(DEVELOPMENT_GATEWAY_IDENTITY_KEYS.publicKey, 'orders');
  const assertion = {
    sub: 'u-1',
    roles: ['customer'],
    ip: '203.0.113.7',
    aud: 'orders',
    htm: 'GET',
    htu: '/orders/o-1',
  };
  const minted = signer.mint(assertion);

  const rsa = await generateKeyPair('RS256');
  const accessToken = await new SignJWT({ roles: ['customer'], sid: 's', jti: 'j' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('u-1')
    .setIssuer('auth-service')
    .setAudience('platform')
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(rsa.privateKey);

  const hmac = hmacScheme();
  const signedHeaders = hmac.sign();
  const figures = {
    hmacSignUs: await timePerCall(() => hmac.sign()),
    hmacVerifyUs: await timePerCall(() => hmac.verify(signedHeaders)),
    mintUs: await timePerCall(() => signer.mint(assertion)),
    mintedVerifyUs: await timePerCall(() => verifier.verify(minted, 'GET', '/orders/o-1')),
    forwardedVerifyUs: await timePerCall(() =>
      jwtVerify(accessToken, rsa.publicKey, {
        issuer: 'auth-service',
        audience: 'platform',
        algorithms: ['RS256'],
      }),
    ),
  };
  const perRequest = {
    hmac: figures.hmacSignUs + figures.hmacVerifyUs,
    minted: figures.mintUs + figures.mintedVerifyUs,
    forwarded: figures.forwardedVerifyUs,
  };
  const row = (name: string, gateway: number, upstream: number) =>
    `| ${name.padEnd(36)} | ${gateway.toFixed(1).padStart(8)} | ${upstream.toFixed(1).padStart(9)} | ${(gateway + upstream).toFixed(1).padStart(6)} | ${((gateway + upstream) / perRequest.hmac).toFixed(1).padStart(8)}x |`;
  console.log(
    `identity per forwarded request, µs of CPU (median of ${ROUNDS} rounds x ${PER_ROUND}, Node ${process.version})`,
  );
  console.log('| scheme                               | gateway  | upstream  | total  | vs hmac   |');
  console.log('| ------------------------------------ | -------- | --------- | ------ | --------- |');
  console.log(row('hmac headers (former, shared secret)', figures.hmacSignUs, figures.hmacVerifyUs));
  console.log(row('minted Ed25519 token (chosen)', figures.mintUs, figures.mintedVerifyUs));
  console.log(row('access token verified upstream (RS256)', 0, figures.forwardedVerifyUs));
  console.log(
    `report: ${writeReport('identity', { figures, perRequest, rounds: ROUNDS, perRound: PER_ROUND, node: process.version })}`,
  );
}

void main();
