import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './support/browser.js';
import { startApp, type RunningApp } from './support/harness.js';
import { ADMIN_ENV } from './support/users.js';

describe('Swagger UI in a real browser', () => {
  let running: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    running = await startApp(undefined, { env: ADMIN_ENV });
    browser = await chromium.launch(CHROMIUM);
  });
  afterAll(async () => {
    await browser?.close();
    await running.close();
  });

  it('lists the operations and logs in with "Try it out": 201 and an accessToken', async () => {
    const page = await browser.newPage();
    await page.goto(`${running.url}/docs`);
    const login = page.locator('#operations-auth-AuthController_login');
    await login.waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(21);
    await expect(page.locator('#operations-payments-PaymentsController_transfer .opblock-summary-path').textContent()).resolves.toBe('/api/v1/payments');

    await login.locator('.opblock-summary').click();
    await login.locator('.try-out__btn').click();
    await login.locator('textarea.body-param__text').fill(JSON.stringify({ email: ADMIN_ENV.ADMIN_EMAIL, password: ADMIN_ENV.ADMIN_PASSWORD }));
    await login.locator('button.execute').click();

    const status = login.locator('.live-responses-table .response .response-col_status');
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('201');
    const body = JSON.parse((await login.locator('.live-responses-table .response-col_description pre.microlight').first().textContent()) ?? '{}');
    expect(body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
