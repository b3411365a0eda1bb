/** What the sign-in page shows: who asks, for which user, and why it is shown again. */
export interface SignInPageModel {
  /** The form posts here (same origin). */
  action: string;
  /** Where the deny button posts. */
  denyAction: string;
  clientName: string;
  clientId: string;
  /** Where the client will receive the answer: the host of its redirect URI. */
  redirectHost: string;
  /** The platform, as the issuer URL shows it. */
  platform: string;
  email?: string;
  error?: string;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.4}' +
  'label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}' +
  'button{margin-top:1.5rem;padding:.5rem 1rem}.error{color:#a40000}.client{font-weight:bold}';

/**
 * The sign-in and consent page of one authorization request: it names the client that asks to
 * act as the user (its self-declared name and its id, and where the answer goes) and takes the
 * user's email and password. Every value is escaped: client names come from anyone who registers.
 */
export function renderSignInPage(model: SignInPageModel): string {
  const e = escapeHtml;
  const error = model.error ? `<p class="error" role="alert">${e(model.error)}</p>` : '';
  return page(
    'Sign in',
    `<h1>Sign in to ${e(model.platform)}</h1>
<p><span class="client">${e(model.clientName)}</span> (client <code>${e(model.clientId)}</code>, returning to
<code>${e(model.redirectHost)}</code>) asks to act as you: it will be able to do what you can do, until you sign out.
Sign in only if you started this from that app.</p>
${error}
<form method="post" action="${e(model.action)}">
<label>Email <input type="email" name="email" autocomplete="username" required value="${e(model.email ?? '')}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in and allow</button>
</form>
<form method="post" action="${e(model.denyAction)}"><button type="submit">Deny</button></form>`,
  );
}

/** A page that says why the sign-in cannot go on (an expired link, an OAuth error). */
export function renderErrorPage(fields: Record<string, unknown>): string {
  const rows = Object.entries(fields)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`)
    .join('\n');
  return page('Sign-in failed', `<h1>Sign-in failed</h1>\n${rows}`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>`;
}

/** Text for HTML, in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
