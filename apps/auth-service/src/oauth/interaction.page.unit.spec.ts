import { escapeHtml, renderErrorPage, renderSignInPage } from './interaction.page';

describe('the OAuth sign-in page', () => {
  const model = {
    action: '/oauth/interaction/abc',
    denyAction: '/oauth/interaction/abc/deny',
    clientName: 'Claude Desktop',
    clientId: 'client-1',
    redirectHost: '127.0.0.1:53682',
    platform: 'https://api.example.com',
  };

  it('names the client that asks to act as the user, and where the answer goes', () => {
    const html = renderSignInPage(model);
    expect(html).toContain('<span class="client">Claude Desktop</span>');
    expect(html).toContain('client-1');
    expect(html).toContain('127.0.0.1:53682');
    expect(html).toContain('action="/oauth/interaction/abc"');
    expect(html).not.toContain('role="alert"');
  });

  it('escapes a client name that carries markup, and the email typed before', () => {
    const html = renderSignInPage({
      ...model,
      clientName: '<script>alert(1)</script>',
      email: '"><img src=x onerror=alert(1)>',
      error: 'The email or the password is wrong.',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).toContain('<p class="error" role="alert">The email or the password is wrong.</p>');
  });

  it('escapes the fields of an error page', () => {
    expect(renderErrorPage({ error: 'invalid_request', error_description: '<b>x</b>' })).toContain(
      '&lt;b&gt;x&lt;/b&gt;',
    );
    expect(escapeHtml(`a&b'c`)).toBe('a&amp;b&#39;c');
  });
});
