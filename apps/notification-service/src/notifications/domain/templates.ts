import { PermanentError } from '@platform/messaging';
import { z } from 'zod';

/** A rendered notification: what the inbox shows and what each channel sends. */
export interface Rendered {
  title: string;
  body: string;
}

/** The template or its data cannot render: no retry will change that, so the job goes to the DLQ. */
export class TemplateError extends PermanentError {
  override readonly name = 'TemplateError';
  readonly code = 'NOTIFICATIONS.TEMPLATE';
}

const orderData = z.object({ orderId: z.string().min(1) });

/**
 * Each template with the data it needs. The data travels in the job (`NotificationRequested`),
 * so a template's schema is its contract: adding an optional field is safe, a required one is a
 * new template name.
 */
const templates = {
  welcome: {
    data: z.object({ displayName: z.string().min(1).optional() }),
    render: (d: { displayName?: string | undefined }): Rendered => ({
      title: 'Welcome',
      body: `Hello${d.displayName ? ` ${d.displayName}` : ''}, your account is ready.`,
    }),
  },
  'registration-attempted': {
    data: z.object({}),
    render: (): Rendered => ({
      title: 'Someone tried to register with your address',
      body:
        'Someone tried to create an account with this email address, which already has one. ' +
        'Nothing in your account changed. If it was you, sign in instead; if not, you can ignore this message.',
    }),
  },
  'order-confirmed': {
    data: orderData,
    render: (d: { orderId: string }): Rendered => ({
      title: 'Order confirmed',
      body: `Your order ${d.orderId} is confirmed and being prepared.`,
    }),
  },
  'order-shipped': {
    data: orderData.extend({
      carrier: z.string().min(1).optional(),
      trackingNumber: z.string().min(1).optional(),
    }),
    render: (d: {
      orderId: string;
      carrier?: string | undefined;
      trackingNumber?: string | undefined;
    }): Rendered => ({
      title: 'Order shipped',
      body:
        `Your order ${d.orderId} is on its way` +
        (d.carrier ? ` with ${d.carrier}` : '') +
        (d.trackingNumber ? ` (tracking number ${d.trackingNumber})` : '') +
        '.',
    }),
  },
  'order-cancelled': {
    data: orderData.extend({
      reason: z.string().min(1),
      cancelledBy: z.enum(['customer', 'merchant', 'system']),
    }),
    render: (d: {
      orderId: string;
      reason: string;
      cancelledBy: 'customer' | 'merchant' | 'system';
    }): Rendered => ({
      title: 'Order cancelled',
      body:
        d.cancelledBy === 'customer'
          ? `You cancelled order ${d.orderId}: ${d.reason}.`
          : `We cancelled your order ${d.orderId}: ${d.reason}.`,
    }),
  },
} as const;

export type TemplateName = keyof typeof templates;

/** Renders `template` with `data`, or throws TemplateError naming what is wrong. */
export function render(template: string, data: Record<string, unknown>): Rendered {
  if (!Object.hasOwn(templates, template)) throw new TemplateError(`no template named ${template}`);
  const { data: schema, render: fill } = templates[template as TemplateName];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`);
    throw new TemplateError(`data of template ${template}: ${problems.join('; ')}`);
  }
  return (fill as (d: unknown) => Rendered)(parsed.data);
}
