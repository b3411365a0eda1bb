import {
  paymentCallbackRequest,
  paymentCallbackSchema,
  signPaymentCallback,
  verifyPaymentSignature,
} from './payments.api';

const secret = 'a-test-webhook-secret-of-at-least-32-chars';
const body = '{"id":"evt_1","type":"payment.succeeded"}';
const now = 1_800_000_000;

describe('payment callback signatures', () => {
  it('accept a signature made with the secret over the timestamp and the raw body', () => {
    expect(
      verifyPaymentSignature(signPaymentCallback(secret, body, now), body, secret, { nowSeconds: now }),
    ).toBe(undefined);
  });

  it('refuse a missing, malformed, wrongly signed or stale signature, saying which', () => {
    const at = (seconds: number) => signPaymentCallback(secret, body, seconds);
    expect(verifyPaymentSignature(undefined, body, secret, { nowSeconds: now })).toBe('missing');
    expect(verifyPaymentSignature('v1=abc', body, secret, { nowSeconds: now })).toBe('malformed');
    expect(
      verifyPaymentSignature(
        signPaymentCallback('another-secret-of-32-characters!!', body, now),
        body,
        secret,
        { nowSeconds: now },
      ),
    ).toBe('mismatch');
    expect(verifyPaymentSignature(at(now), `${body} `, secret, { nowSeconds: now })).toBe('mismatch');
    expect(verifyPaymentSignature(at(now - 301), body, secret, { nowSeconds: now })).toBe('stale');
    expect(verifyPaymentSignature(at(now + 301), body, secret, { nowSeconds: now })).toBe('stale');
    expect(verifyPaymentSignature(at(now - 300), body, secret, { nowSeconds: now })).toBe(undefined);
  });

  it('accept any of several v1 signatures, as while a secret rotates', () => {
    const good = signPaymentCallback(secret, body, now).split(',')[1];
    const other = signPaymentCallback('the-old-secret-still-being-rotated-out', body, now).split(',')[1];
    expect(verifyPaymentSignature(`t=${now},${other},${good}`, body, secret, { nowSeconds: now })).toBe(
      undefined,
    );
  });

  it('build a signed request whose body is a callback the schema reads', () => {
    const request = paymentCallbackRequest(
      { orderId: '3f0c9a9e-3c55-4a57-9d1e-3b9f1d2c4a10', amountMinor: 2500, currency: 'EUR' },
      secret,
    );
    expect(paymentCallbackSchema.parse(JSON.parse(request.body))).toEqual(request.callback);
    expect(verifyPaymentSignature(request.headers['payment-signature'], request.body, secret)).toBe(
      undefined,
    );
  });
});
