import { ConfigError } from '@platform/observability';
import { loadNotificationServiceConfig } from './notification-service.config';

describe('notification-service config', () => {
  it('has local defaults for everything: both roles, email to files, no webhook', () => {
    expect(loadNotificationServiceConfig({ NODE_ENV: 'development' })).toMatchObject({
      NOTIFICATION_HTTP_PORT: 3003,
      NOTIFICATION_ROLES: ['events', 'worker'],
      EMAIL_TRANSPORT: 'file',
      NOTIFICATION_MONGO_DATABASE: 'notifications',
      NOTIFICATION_EVENTS_GROUP: 'notification-service',
      NOTIFICATION_WORKER_GROUP: 'notification-workers',
    });
    expect(
      loadNotificationServiceConfig({ NODE_ENV: 'development' }).NOTIFICATION_WEBHOOK_URL,
    ).toBeUndefined();
  });

  it('reads an empty optional variable (NAME= in an env file) as unset', () => {
    const config = loadNotificationServiceConfig({
      NODE_ENV: 'development',
      SMTP_URL: '',
      NOTIFICATION_WEBHOOK_URL: '',
      NOTIFICATION_WEBHOOK_SECRET: '',
    });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.NOTIFICATION_WEBHOOK_URL).toBeUndefined();
  });

  it('runs one role when told to', () => {
    expect(
      loadNotificationServiceConfig({ NODE_ENV: 'development', NOTIFICATION_ROLES: 'worker' })
        .NOTIFICATION_ROLES,
    ).toEqual(['worker']);
  });

  it('names the variable that is wrong', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ NOTIFICATION_ROLES: 'events,mailer' }, /NOTIFICATION_ROLES/],
      [{ EMAIL_TRANSPORT: 'smtp' }, /SMTP_URL: required when EMAIL_TRANSPORT=smtp/],
      [{ SMTP_URL: 'http://mail' }, /SMTP_URL/],
      [{ NOTIFICATION_WEBHOOK_URL: 'https://hooks.example.com/n' }, /NOTIFICATION_WEBHOOK_SECRET: required/],
      [{ NOTIFICATION_WEBHOOK_SECRET: 'short' }, /NOTIFICATION_WEBHOOK_SECRET/],
      [{ NOTIFICATION_EMAIL_CONCURRENCY: '0' }, /NOTIFICATION_EMAIL_CONCURRENCY/],
    ];
    for (const [variables, message] of cases) {
      const env = { NODE_ENV: 'development', ...variables };
      expect(() => loadNotificationServiceConfig(env)).toThrow(ConfigError);
      expect(() => loadNotificationServiceConfig(env)).toThrow(message);
    }
  });

  it('never echoes a secret back', () => {
    expect(() =>
      loadNotificationServiceConfig({ NODE_ENV: 'development', NOTIFICATION_WEBHOOK_SECRET: 'short' }),
    ).toThrow('***');
  });
});
