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
  ['get', '/health/live', false],
  ['get', '/health/ready', false],
  ['post', '/transactions', true],
  ['get', '/transactions', true],
  ['get', '/transactions/{id}', true],
  ['put', '/transactions/{id}', true],
  ['delete', '/transactions/{id}', true],
  ['post', '/categories', true],
  ['get', '/categories', true],
  ['get', '/categories/{id}', true],
  ['put', '/categories/{id}', true],
  ['delete', '/categories/{id}', true],
  ['post', '/budgets', true],
  ['get', '/budgets', true],
  ['get', '/budgets/{id}', true],
  ['put', '/budgets/{id}', true],
  ['delete', '/budgets/{id}', true],
  ['get', '/analytics/budget-status', true],
  ['get', '/analytics/spending', true],
  ['get', '/analytics/income-vs-expense', true],
  ['post', '/recurring', true],
  ['get', '/recurring', true],
  ['get', '/recurring/{id}', true],
  ['put', '/recurring/{id}', true],
  ['delete', '/recurring/{id}', true],
  ['post', '/recurring/{id}/process', true],
  ['get', '/recurring/{id}/occurrences', true],
  ['post', '/goals', true],
  ['get', '/goals', true],
  ['get', '/goals/{id}', true],
  ['put', '/goals/{id}', true],
  ['delete', '/goals/{id}', true],
  ['get', '/goals/{id}/progress', true],
  ['post', '/goals/{id}/contribute', true],
  ['get', '/goals/{id}/contributions', true],
  ['delete', '/goals/{id}/contributions/{contribution_id}', true],
  ['get', '/currencies', true],
  ['get', '/exchange-rates', true],
  ['post', '/transactions/convert', true],
  ['get', '/export/csv', true],
  ['post', '/import/csv', true],
  ['get', '/export/pdf', true],
  ['get', '/notifications', true],
  ['post', '/notifications/{id}/read', true],
  ['post', '/notifications/read-all', true],
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

  it('documents transactions and categories in snake_case, as API.md names them', () => {
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.Transaction.properties).sort()).toEqual(
      ['amount', 'category', 'category_id', 'created_at', 'currency', 'date', 'description', 'id', 'transaction_type', 'updated_at'],
    );
    expect(schemas.Transaction.properties.transaction_type.enum).toEqual(['income', 'expense']);
    expect(schemas.Transaction.properties.amount.type).toBe('string');
    expect(Object.keys(schemas.CategoryRef.properties).sort()).toEqual(['color', 'icon', 'id', 'name']);
    expect(Object.keys(schemas.Category.properties).sort()).toEqual(['color', 'created_at', 'icon', 'id', 'name', 'updated_at']);
    for (const page of [schemas.TransactionPage, schemas.CategoryPage]) expect(Object.keys(page.properties).sort()).toEqual(['items', 'next_cursor']);

    const create = document.paths['/transactions'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required.sort()).toEqual(['amount', 'date', 'transaction_type']);
    expect(Object.keys(body.properties).sort()).toEqual(['amount', 'category_id', 'currency', 'date', 'description', 'transaction_type']);
    expect(body.properties.amount.anyOf.map((s: { type: string }) => s.type).sort()).toEqual(['number', 'string']);
    expect(create.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false })]));
    expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/Transaction');
    expect(Object.keys(create.responses['201'].headers).sort()).toEqual(['Idempotent-Replayed', 'Location']);
    expect(create.responses['422'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');

    const list = document.paths['/transactions'].get;
    expect(list.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual(
      ['query:category_id', 'query:cursor', 'query:from', 'query:limit', 'query:q', 'query:to', 'query:transaction_type'],
    );
    expect(list.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    expect(list.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/TransactionPage');

    for (const path of ['/transactions/{id}', '/categories/{id}']) {
      for (const method of ['get', 'put', 'delete']) {
        const op = document.paths[path][method];
        expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'path', name: 'id', required: true })]));
        expect(op.responses).toHaveProperty('404');
      }
      expect(document.paths[path].delete.responses).toHaveProperty('204');
    }
    expect(document.paths['/categories/{id}'].delete.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'query', name: 'reassign_to' })]));
    expect(document.paths['/categories'].post.requestBody.content['application/json'].schema.required.sort()).toEqual(['color', 'name']);
    expect(document.paths['/categories'].post.responses['409']).toBeDefined();
    expect(document.tags.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['transactions', 'categories']));
  });

  it('documents budgets, their analysis and the budget status in snake_case, as API.md names them', () => {
    const schemas = document.components.schemas;
    const budgetFields = ['amount', 'category_id', 'created_at', 'currency', 'end_date', 'id', 'name', 'period', 'start_date', 'updated_at'];
    expect(Object.keys(schemas.Budget.properties).sort()).toEqual(budgetFields);
    expect(schemas.Budget.properties.period.enum).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
    expect(schemas.Budget.properties.amount.type).toBe('string');
    expect(Object.keys(schemas.BudgetWithAnalysis.properties).sort()).toEqual([...budgetFields, 'analysis'].sort());
    expect(Object.keys(schemas.BudgetAnalysis.properties).sort()).toEqual(
      ['daily_average', 'days_elapsed', 'days_in_period', 'excluded_currencies', 'history', 'percent_used', 'period_end', 'period_start', 'projected_spend', 'remaining', 'spent', 'status'],
    );
    for (const field of ['spent', 'remaining', 'percent_used', 'daily_average', 'projected_spend']) expect(schemas.BudgetAnalysis.properties[field].type).toBe('string');
    expect(schemas.BudgetAnalysis.properties.status.enum).toEqual(['under', 'over']);
    expect(schemas.BudgetAnalysis.properties.percent_used.description).toMatch(/"85\.20"/);
    expect(Object.keys(schemas.BudgetPeriodSpending.properties).sort()).toEqual(['period_end', 'period_start', 'spent', 'status']);
    expect(Object.keys(schemas.BudgetPage.properties).sort()).toEqual(['items', 'next_cursor']);

    const create = document.paths['/budgets'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required.sort()).toEqual(['amount', 'period', 'start_date']);
    expect(Object.keys(body.properties).sort()).toEqual(['amount', 'category_id', 'currency', 'end_date', 'name', 'period', 'start_date']);
    expect(body.properties.amount.anyOf.map((s: { type: string }) => s.type).sort()).toEqual(['number', 'string']);
    expect(body.properties.start_date.description).toMatch(/anchored/);
    // Describing a budget field must not re-describe the shared field it is made of.
    expect(document.paths['/transactions'].post.requestBody.content['application/json'].schema.properties.date.description).toBe('A calendar date, YYYY-MM-DD');
    expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/Budget');
    expect(Object.keys(create.responses['201'].headers)).toEqual(['Location']);
    expect(create.responses['422'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(document.paths['/budgets'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BudgetPage');

    const getOne = document.paths['/budgets/{id}'].get;
    expect(getOne.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:date']);
    expect(getOne.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BudgetWithAnalysis');
    for (const method of ['get', 'put', 'delete']) expect(document.paths['/budgets/{id}'][method].responses).toHaveProperty('404');
    expect(document.paths['/budgets/{id}'].delete.responses).toHaveProperty('204');
    expect(Object.keys(document.paths['/budgets/{id}'].put.requestBody.content['application/json'].schema.properties).sort()).toEqual(
      ['amount', 'category_id', 'currency', 'end_date', 'name', 'period', 'start_date'],
    );

    expect(document.tags.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['budgets', 'analytics']));
  });

  it('documents the analytics (spending, income vs expense, budget status) in snake_case, as API.md names them', () => {
    const schemas = document.components.schemas;
    const params = (op: { parameters: { in: string; name: string; required?: boolean }[] }) =>
      op.parameters.map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`).sort();

    const spending = document.paths['/analytics/spending'].get;
    expect(spending).toMatchObject({ operationId: 'getSpending', tags: ['analytics'], summary: expect.any(String), description: expect.stringMatching(/excluded_currencies/) });
    expect(params(spending)).toEqual(['query:from!', 'query:to!']);
    expect(spending.parameters.find((p: { name: string }) => p.name === 'from').schema).toMatchObject({ type: 'string', format: 'date' });
    expect(spending.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Spending');
    expect(Object.keys(schemas.Spending.properties).sort()).toEqual(['currency', 'excluded_currencies', 'from', 'items', 'to', 'total']);
    expect(Object.keys(schemas.SpendingItem.properties).sort()).toEqual(['category_id', 'category_name', 'count', 'total']);
    expect(schemas.SpendingItem.properties.count.type).toBe('integer');
    expect(schemas.SpendingItem.properties.total.type).toBe('string');

    const income = document.paths['/analytics/income-vs-expense'].get;
    expect(income).toMatchObject({ operationId: 'getIncomeVsExpense', tags: ['analytics'], description: expect.stringMatching(/Monday/) });
    expect(params(income)).toEqual(['query:from!', 'query:interval', 'query:to!']);
    expect(income.parameters.find((p: { name: string }) => p.name === 'interval').schema).toMatchObject({ enum: ['day', 'week', 'month', 'year'], default: 'month' });
    expect(income.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/IncomeVsExpense');
    expect(Object.keys(schemas.IncomeVsExpense.properties).sort()).toEqual(['currency', 'excluded_currencies', 'from', 'interval', 'items', 'to', 'totals']);
    expect(Object.keys(schemas.IncomeVsExpenseItem.properties).sort()).toEqual(['expense', 'income', 'net', 'period_end', 'period_start']);
    expect(Object.keys(schemas.IncomeVsExpenseTotals.properties).sort()).toEqual(['expense', 'income', 'net']);

    const status = document.paths['/analytics/budget-status'].get;
    expect(status).toMatchObject({ operationId: 'getBudgetStatus', tags: ['analytics'] });
    expect(params(status)).toEqual(['query:date']);
    expect(status.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BudgetStatus');
    expect(Object.keys(schemas.BudgetStatus.properties).sort()).toEqual(['date', 'items']);
    expect(Object.keys(schemas.BudgetStatusItem.properties).sort()).toEqual(
      ['amount', 'budget_id', 'category_id', 'currency', 'excluded_currencies', 'name', 'percent_used', 'period_end', 'period_start', 'remaining', 'spent', 'status'],
    );

    for (const op of [spending, income, status]) {
      for (const code of ['401', '422', '503']) expect(op.responses[code].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    }
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
