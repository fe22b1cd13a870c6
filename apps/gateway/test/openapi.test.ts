import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gw: TestGateway;
let document: any;
beforeAll(async () => {
  gw = await startTestGateway();
  const res = await gw.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  document = res.json();
});
afterAll(async () => {
  await gw.close();
});

const OPERATIONS = [
  ['post', '/auth/register', false],
  ['post', '/auth/login', false],
  ['post', '/auth/refresh', false],
  ['post', '/auth/logout', true],
  ['get', '/users/me', true],
  ['put', '/users/me', true],
  ['delete', '/users/me', true],
  ['get', '/health', false],
] as const;

describe('/docs', () => {
  it('/docs/json is an OpenAPI 3 document of every route, and only those', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBeTruthy();
    for (const [method, path] of OPERATIONS) expect(document.paths[path]?.[method]).toBeDefined();
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('offers the OAuth2 password flow against /auth/login, and bearer', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes.oauth2).toMatchObject({ type: 'oauth2', flows: { password: { tokenUrl: '/auth/login' } } });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(OPERATIONS)('%s %s declares security exactly when it needs a token (%p)', (method, path, secured) => {
    const op = document.paths[path][method];
    if (secured) expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }, { oauth2: [] }]));
    else expect(op.security).toBeUndefined();
  });

  it('documents the snake_case fields, both login media types and problem responses', () => {
    const user = document.components.schemas.User;
    expect(Object.keys(user.properties).sort()).toEqual(
      ['base_currency', 'created_at', 'email', 'id', 'is_active', 'notification_preferences', 'timezone', 'updated_at', 'username'],
    );
    const login = document.paths['/auth/login'].post;
    expect(Object.keys(login.requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(login.responses['401'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    const register = document.paths['/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.required.sort()).toEqual(['email', 'password', 'username']);
    expect(register.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/User');
    expect(document.paths['/users/me'].put.requestBody.content['application/json'].schema.properties).toHaveProperty('notification_preferences');
  });

  it('every $ref resolves', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(document.components.schemas).toHaveProperty(ref);
  });

  it('serves the interactive docs without a token', async () => {
    const page = await gw.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('swagger-ui');
    const css = await gw.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
  });
});
