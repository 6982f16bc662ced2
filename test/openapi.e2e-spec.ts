import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startApp, type RunningApp } from './support/harness.js';

const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'));

/** Every endpoint of API.md, as `METHOD path` with OpenAPI path parameters. */
const CONTRACT = [
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/confirm',
  'POST /api/v1/auth/confirm/resend',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/tokens',
  'DELETE /api/v1/auth/tokens/{id}',
  'POST /api/v1/auth/logout',
  'GET /api/v1/users/me',
  'POST /api/v1/api-keys',
  'GET /api/v1/api-keys',
  'DELETE /api/v1/api-keys/{id}',
  'POST /api/v1/accounts',
  'GET /api/v1/accounts',
  'GET /api/v1/accounts/{id}',
  'GET /api/v1/accounts/{id}/operations',
  'GET /api/v1/admin/ledger/check',
  'POST /api/v1/payments',
  'POST /api/v1/withdrawals',
  'POST /api/v1/deposits',
  'POST /api/v1/payments/{id}/refunds',
  'GET /api/v1/payments/{id}',
  'GET /api/v1/payments',
  'POST /api/v1/admin/sweep',
  'GET /api/v1/rates',
  'PUT /api/v1/admin/rates/{from}/{to}',
];

type Operation = { parameters?: Array<{ name: string; in: string; schema?: object }>; responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] };

describe('OpenAPI document', () => {
  let running: RunningApp;
  let served: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties: Record<string, { type?: string; pattern?: string }> }> } };

  beforeAll(async () => {
    running = await startApp();
    served = (await request(running.url).get('/docs-json').expect(200)).body;
  });
  afterAll(() => running.close());

  const operations = () => Object.entries(served.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

  it('serves at /docs-json exactly the committed openapi.json (npm run openapi regenerates it)', () => {
    expect(served).toEqual(committed);
  });

  it('documents every /api/v1 endpoint of the contract', () => {
    expect(operations().map((o) => o.key).sort()).toEqual(expect.arrayContaining(CONTRACT));
  });

  it('documents every error answer as application/problem+json, 500 and 503 included', () => {
    for (const { key, op } of operations()) {
      const errors = Object.keys(op.responses).filter((status) => Number(status) >= 400);
      expect({ key, errors }).toEqual({ key, errors: expect.arrayContaining(['401', '500', '503'].filter((s) => s !== '401' || op.security?.length !== 0)) });
      for (const status of errors) expect({ key, status, types: Object.keys(op.responses[status].content ?? {}) }).toEqual({ key, status, types: ['application/problem+json'] });
    }
  });

  it('asks for the bearer token everywhere but register, confirm and login', () => {
    const open = operations().filter(({ op }) => op.security?.length === 0).map((o) => o.key).sort();
    expect(open).toEqual(['POST /api/v1/auth/confirm', 'POST /api/v1/auth/login', 'POST /api/v1/auth/register']);
  });

  it('says in the bearer scheme that API keys are sent the same way', () => {
    const schemes = (served as unknown as { components: { securitySchemes: Record<string, { description: string }> } }).components.securitySchemes;
    expect(schemes.bearer.description).toMatch(/bgk_/);
  });

  it('documents the API key, shown once, and lists without it', () => {
    expect(Object.keys(served.components.schemas.CreatedApiKeyDto.properties).sort()).toEqual(['createdAt', 'id', 'key', 'lastUsedAt', 'name', 'prefix', 'readOnly']);
    expect(Object.keys(served.components.schemas.ApiKeyDto.properties)).not.toContain('key');
  });

  it('documents the Idempotency-Key header on the payment creations', () => {
    for (const key of ['POST /api/v1/payments', 'POST /api/v1/withdrawals', 'POST /api/v1/deposits', 'POST /api/v1/payments/{id}/refunds']) {
      const op = operations().find((o) => o.key === key)?.op;
      expect(op?.parameters?.filter((p) => p.in === 'header').map((p) => p.name)).toEqual(['Idempotency-Key']);
    }
  });

  it('documents every field of a list as flat field and field[op] filters next to sort, limit and cursor', () => {
    const names = operations().find((o) => o.key === 'GET /api/v1/payments')?.op.parameters?.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([...Object.keys(served.components.schemas.PaymentDto.properties), 'sort', 'limit', 'cursor']));
    expect(names).toEqual(expect.arrayContaining(['amount[gte]', 'amount[in]', 'createdAt[lt]', 'status[ne]', 'status[in]']));
    expect(names).not.toContain('status[gt]'); // an enum compares only for (in)equality
  });

  it('gives no query or header parameter an example, which "Try it out" would send', () => {
    const exampled = operations().flatMap(({ key, op }) => (op.parameters ?? []).filter((p) => p.in !== 'path' && ('example' in p || 'example' in (p.schema ?? {}))).map((p) => `${key} ${p.name}`));
    expect(exampled).toEqual([]);
  });

  it('documents money as a string with a pattern, never a number', () => {
    for (const [schema, field] of [['PaymentDto', 'amount'], ['PaymentDto', 'commission'], ['AccountDto', 'balance'], ['OperationDto', 'amount'], ['CreateTransferDto', 'amount']]) {
      const property = served.components.schemas[schema].properties[field];
      expect({ schema, field, type: property.type, pattern: typeof property.pattern }).toEqual({ schema, field, type: 'string', pattern: 'string' });
    }
  });
});
