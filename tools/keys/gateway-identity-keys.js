// Prints a new Ed25519 key pair for the gateway identity (docs/security.md), as one-line
// environment values: the private key for the gateway only, the public key for every upstream.
const { generateKeyPairSync } = require('node:crypto');

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
process.stdout.write(
  `GATEWAY_IDENTITY_SIGNING_KEY=${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}\n` +
    `GATEWAY_IDENTITY_PUBLIC_KEYS=${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}\n`,
);
