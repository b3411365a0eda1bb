import { isRetriable } from '@platform/messaging';
import { render, TemplateError } from './templates';

describe('templates', () => {
  it('renders each template from its data', () => {
    expect(render('welcome', { displayName: 'Ada' })).toEqual({
      title: 'Welcome',
      body: 'Hello Ada, your account is ready.',
    });
    expect(render('welcome', {}).body).toBe('Hello, your account is ready.');
    expect(render('registration-attempted', {}).title).toBe('Someone tried to register with your address');
    expect(render('order-shipped', { orderId: 'o-1', carrier: 'DHL', trackingNumber: 'T9' }).body).toBe(
      'Your order o-1 is on its way with DHL (tracking number T9).',
    );
    expect(
      render('order-cancelled', { orderId: 'o-1', reason: 'out of stock', cancelledBy: 'merchant' }).body,
    ).toBe('We cancelled your order o-1: out of stock.');
    expect(
      render('order-cancelled', { orderId: 'o-1', reason: 'changed my mind', cancelledBy: 'customer' }).body,
    ).toBe('You cancelled order o-1: changed my mind.');
  });

  it('refuses an unknown template or bad data with a permanent error', () => {
    expect(() => render('toString', {})).toThrow(TemplateError);
    expect(() => render('birthday', {})).toThrow('no template named birthday');
    expect(() => render('order-confirmed', {})).toThrow(/orderId/);
    try {
      render('order-cancelled', { orderId: 'o-1', reason: 'x', cancelledBy: 'robot' });
      throw new Error('rendered');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect(isRetriable(error)).toBe(false);
    }
  });
});
