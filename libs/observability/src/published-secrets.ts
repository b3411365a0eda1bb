/**
 * The development values of credentials that the deployment files of this repository carry
 * (docker-compose.yml's `${VAR:-value}` defaults, .env.example, the k8s dev overlay's Secrets) and
 * the placeholders of the k8s base. They are public, so every secret an app reads refuses them
 * outside NODE_ENV=development|test, as it refuses the `developmentValue` of its own `env.secret()`.
 * deployment-secrets.unit.spec.ts fails when one of those files holds a credential missing here.
 */
export const DEPLOYMENT_DEVELOPMENT_SECRETS: readonly string[] = [
  // PostgreSQL: the superuser, and the services' own roles (compose, k8s dev).
  'postgres',
  'auth-service-dev-password',
  'order-service-dev-password',
  // Redis: the `default` (administrative) and `app` (gateway, auth-service) ACL users.
  'redis-admin-dev-password',
  'redis-app-dev-password',
  // MongoDB: root, and the services' own users.
  'mongo-root-dev-password',
  'notification-service-dev-password',
  'dlq-consumer-dev-password',
  // Grafana's admin (compose only).
  'admin',
  // The HMAC secret the gateway and the services shared before identities were signed with Ed25519.
  'local-development-identity-secret-change-me',
  // The PostgreSQL passwords of tools/drill/pg-replica-scout.sh's own servers.
  'scout',
  'scout-repl',
  // What the k8s base Secrets hold until a deployment replaces it.
  'REPLACE_WITH_A_GENERATED_SECRET',
];
