// The typed client of the gateway's API, generated from its OpenAPI document by
// `npx nx run e2e:gateway-client` (which writes the document first) into src/gateway-client, where
// it is committed; `npx nx run e2e:gateway-client-check` fails when it is stale (docs/api.md).
// GATEWAY_CLIENT_OUTPUT redirects the output, for that check. Responses are checked against the
// document's schemas (zod), so a test using the client fails where the API and its document part.
export default {
  input: 'dist/openapi/openapi.json',
  output: {
    path: process.env.GATEWAY_CLIENT_OUTPUT ?? 'e2e/src/gateway-client',
    postProcess: ['prettier'],
  },
  plugins: [
    { name: '@hey-api/client-fetch', throwOnError: true },
    '@hey-api/typescript',
    'zod',
    { name: '@hey-api/sdk', validator: { response: 'zod' } },
  ],
};
