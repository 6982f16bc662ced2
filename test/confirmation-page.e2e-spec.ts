import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM } from './support/browser.js';
import { startApp, type RunningApp } from './support/harness.js';
import { registerUser, type TestUser } from './support/users.js';

const BUTTON = { name: 'Confirm my e-mail address' };

describe('the confirmation page the e-mail links to', () => {
  let running: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    running = await startApp();
    browser = await chromium.launch(CHROMIUM);
  });
  afterAll(async () => {
    await browser?.close();
    await running.close();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(5000);
  });
  afterEach(() => page.close());

  /** The e-mailed link's path and query, on the test app. */
  const open = (link: URL) => page.goto(`${running.url}${link.pathname}${link.search}`);
  const confirmed = async (user: TestUser) =>
    (await request(running.url).get('/api/v1/users/me').set(user.auth).expect(200)).body.confirmed;
  const refusal = async (token: string) =>
    (await request(running.url).post('/api/v1/auth/confirm').send({ token }).expect(400)).body;

  it('answers GET /confirm with 200 text/html, a policy that admits its own script only, no-store, and never the token in its markup', async () => {
    const token = '"><script>alert(1)</script>';
    const res = await request(running.url)
      .get(`/confirm?token=${encodeURIComponent(token)}`)
      .expect(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringMatching(/(^|;)\s*script-src 'sha256-[A-Za-z0-9+/]+=*'\s*(;|$)/),
    });
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.text).toContain(BUTTON.name);
    expect(res.text).not.toContain('alert(1)');
  });

  it('does not confirm on loading the link; the button confirms and the page names the confirmed address', async () => {
    const user = await registerUser(running, { confirmed: false });
    await open(running.outbox.confirmationLink(user.email));
    await page.getByRole('button', BUTTON).waitFor();
    expect(await confirmed(user)).toBe(false);

    await page.getByRole('button', BUTTON).click();
    await expect(page.getByRole('status').filter({ hasText: 'is confirmed' }).textContent()).resolves.toContain(
      user.email,
    );
    expect(await confirmed(user)).toBe(true);
    expect(await page.getByRole('button', BUTTON).isVisible()).toBe(false);
  });

  it('confirms from the link with a trailing slash too (/confirm/?token=…), posting to the api, not under /confirm/', async () => {
    const user = await registerUser(running, { confirmed: false });
    const link = running.outbox.confirmationLink(user.email);
    const posted: string[] = [];
    page.on('request', (req) => void (req.method() === 'POST' && posted.push(new URL(req.url()).pathname)));
    await page.goto(`${running.url}${link.pathname}/${link.search}`);
    await page.getByRole('button', BUTTON).click();
    await expect(page.getByRole('status').filter({ hasText: 'is confirmed' }).textContent()).resolves.toContain(
      user.email,
    );
    expect(await confirmed(user)).toBe(true);
    expect(posted).toEqual(['/api/v1/auth/confirm']);
  });

  it('shows the INVALID_CONFIRMATION_TOKEN detail for a used token and for a bogus one', async () => {
    const user = await registerUser(running);
    const used = running.outbox.confirmationLink(user.email);
    const bogus = new URL(used);
    bogus.searchParams.set('token', randomBytes(32).toString('base64url'));
    for (const link of [used, bogus]) {
      const problem = await refusal(link.searchParams.get('token')!);
      expect(problem.code).toBe('INVALID_CONFIRMATION_TOKEN');
      await open(link);
      await page.getByRole('button', BUTTON).click();
      await page.getByRole('status').filter({ hasText: problem.detail }).waitFor();
    }
  });

  it('says the link has no token when it lacks one, and offers no button', async () => {
    await page.goto(`${running.url}/confirm`);
    await page.getByRole('status').filter({ hasText: 'no confirmation token' }).waitFor();
    expect(await page.getByRole('button', BUTTON).isVisible()).toBe(false);
  });

  it('says the server could not be reached when the request fails, and lets the user try again', async () => {
    const user = await registerUser(running, { confirmed: false });
    await page.route('**/api/v1/auth/confirm', (route) => route.abort('internetdisconnected'));
    await open(running.outbox.confirmationLink(user.email));
    await page.getByRole('button', BUTTON).click();
    await page.getByRole('status').filter({ hasText: 'could not be reached' }).waitFor();
    expect(await page.getByRole('button', BUTTON).isEnabled()).toBe(true);

    await page.unroute('**/api/v1/auth/confirm');
    await page.getByRole('button', BUTTON).click();
    await page.getByRole('status').filter({ hasText: 'is confirmed' }).waitFor();
    expect(await confirmed(user)).toBe(true);
  });
});
