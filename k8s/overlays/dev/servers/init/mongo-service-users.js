// docker compose only: the mongo image runs this once (mongosh, authenticated as the root user),
// when it initialises an empty data directory. One user per service that uses MongoDB, allowed to
// read and write its own database and nothing else (no admin, no other database).
// A volume initialised before this script existed keeps its old users: `docker compose down -v`.
const services = [
  {
    user: 'notification_service',
    password: process.env.NOTIFICATION_MONGO_PASSWORD,
    database: 'notifications',
  },
  { user: 'dlq_consumer', password: process.env.DLQ_MONGO_PASSWORD, database: 'dlq' },
];

const admin = db.getSiblingDB('admin');
for (const { user, password, database } of services) {
  if (!password) throw new Error(`no password for ${user}: set it in docker-compose.yml`);
  admin.createUser({ user, pwd: password, roles: [{ role: 'readWrite', db: database }] });
}
