import { createHash } from 'node:crypto';

const STYLE = `
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f3f4f6; color: #1f2937; font: 16px/1.5 system-ui, sans-serif; }
main { max-width: 28rem; margin: 1rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); }
h1 { margin-top: 0; font-size: 1.4rem; }
button { padding: 0.7rem 1.2rem; border: 0; border-radius: 8px; background: #2563eb; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
button:disabled { opacity: 0.6; cursor: progress; }
.ok { color: #047857; }
.error { color: #b91c1c; }
`;

// A path-relative URL: the api is wherever this page is, also under a PUBLIC_URL with a path, and
// from /confirm/ (a trailing slash) as from /confirm.
const SCRIPT = `
const token = new URLSearchParams(location.search).get('token');
const confirmUrl = (location.pathname.endsWith('/') ? '../' : '') + 'api/v1/auth/confirm';
const button = document.getElementById('confirm');
const status = document.getElementById('status');
const show = (text, tone) => { status.textContent = text; status.className = tone; };
if (!token) {
  button.hidden = true;
  show('This link has no confirmation token. Open the link from the e-mail again, or log in and ask for a new e-mail.', 'error');
}
button.addEventListener('click', async () => {
  button.disabled = true;
  show('Confirming…', '');
  let res;
  try {
    res = await fetch(confirmUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    button.disabled = false;
    return show('The server could not be reached. Check your connection and try again.', 'error');
  }
  const body = await res.json().catch(() => ({}));
  if (res.ok) {
    button.hidden = true;
    return show('Your e-mail address ' + body.email + ' is confirmed.', 'ok');
  }
  const refused = res.status < 500;
  button.hidden = refused;
  button.disabled = false;
  show('Not confirmed: ' + (body.detail ?? 'the server answered ' + res.status) + '. ' + (refused ? 'Log in and ask for a new confirmation e-mail.' : 'Try again in a moment.'), 'error');
});
`;

/** The page the confirmation e-mail links to. Static: the script reads the token from the address, nothing is written into the markup. */
export const CONFIRMATION_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Confirm your e-mail address · billing-gateway</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Confirm your e-mail address</h1>
<p>You registered with billing-gateway. Confirm that this address is yours to send payments and withdrawals.</p>
<button type="button" id="confirm">Confirm my e-mail address</button>
<p id="status" role="status"></p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Stricter than the pages' default policy: this page's own script and style (by hash), requests to its own origin, no framing. */
export const CONFIRMATION_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
