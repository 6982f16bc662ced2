import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM } from './support/browser.js';
import { startApp, type RunningApp } from './support/harness.js';
import { openAccount } from './support/money.js';
import { ADMIN_ENV, loginAdmin, type TestUser } from './support/users.js';

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
    const login = page.locator('#operations-auth-logIn');
    await login.waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(21);
    await expect(page.locator('#operations-payments-createTransfer .opblock-summary-path').textContent()).resolves.toBe(
      '/api/v1/payments',
    );

    await login.locator('.opblock-summary').click();
    await login.locator('.try-out__btn').click();
    await login
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ email: ADMIN_ENV.ADMIN_EMAIL, password: ADMIN_ENV.ADMIN_PASSWORD }));
    await login.locator('button.execute').click();

    const status = login.locator('.live-responses-table .response .response-col_status');
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('201');
    const body = JSON.parse(
      (await login.locator('.live-responses-table .response-col_description pre.microlight').first().textContent()) ??
        '{}',
    );
    expect(body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  describe('as an administrator who authorised with a token', () => {
    let admin: TestUser;
    let page: Page;

    beforeAll(async () => {
      admin = await loginAdmin(running);
      page = await browser.newPage();
      await page.goto(`${running.url}/docs`);
      await page.locator('.auth-wrapper .btn.authorize').click();
      await page.locator('.auth-container input').fill(admin.token);
      await page.locator('.auth-btn-wrapper .btn.authorize').click();
      await page.locator('.auth-btn-wrapper .btn-done').click();
    });
    afterAll(() => page?.close());

    /** Opens an operation, presses "Try it out" (leaving every parameter as the UI fills it in), optionally sets the body, executes it. */
    async function tryItOut(
      operationId: string,
      body?: object,
    ): Promise<{ status: string; body: Record<string, unknown> }> {
      const operation: Locator = page.locator(`#operations-${operationId}`);
      const execute = operation.locator('button.execute');
      if (!(await execute.isVisible())) {
        if (!(await operation.locator('.opblock-body').isVisible()))
          await operation.locator('.opblock-summary').click();
        await operation.locator('.try-out__btn').click();
      }
      if (body) await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
      await execute.click();
      const status = operation.locator('.live-responses-table .response .response-col_status');
      await status.waitFor();
      const text =
        (await operation
          .locator('.live-responses-table .response-col_description pre.microlight')
          .first()
          .textContent()) ?? '{}';
      const result = {
        status: (await status.textContent())?.trim() ?? '',
        body: JSON.parse(text) as Record<string, unknown>,
      };
      await operation.locator('.btn-clear').click();
      return result;
    }

    it.each([
      ['payments', 'payments-listPayments'],
      ['accounts', 'accounts-listAccounts'],
      ['rates', 'rates-listRates'],
      ['tokens', 'auth-listAccessTokens'],
    ])('lists %s with the filters as "Try it out" leaves them: 200 and a page', async (_name, operationId) => {
      const result = await tryItOut(operationId);
      expect({ status: result.status, data: Array.isArray(result.body.data) }).toEqual({ status: '200', data: true });
    });

    it('books two deposits in a row without touching the Idempotency-Key field: two 202s, two payments', async () => {
      const accountId = await openAccount(running, admin);
      const first = await tryItOut('payments-createDeposit', {
        accountId,
        amount: '10.00',
        externalRef: `ui-${Date.now()}-1`,
      });
      const second = await tryItOut('payments-createDeposit', {
        accountId,
        amount: '20.00',
        externalRef: `ui-${Date.now()}-2`,
      });
      expect([first.status, second.status]).toEqual(['202', '202']);
      expect(first.body.id).not.toEqual(second.body.id);
    });

    it('keeps the authorisation across a reload', async () => {
      await page.reload();
      await page.locator('#operations-users-getCurrentUser').waitFor();
      const me = await tryItOut('users-getCurrentUser');
      expect([me.status, me.body.email]).toEqual(['200', admin.email]);
    });
  });
});
