// Budgeting service: budgets, their periods and spending analysis (API.md, "Version 2").
export * from './domain/periods.js';
