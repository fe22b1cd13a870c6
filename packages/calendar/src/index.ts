export * from './calendar.js';
export * from './date-field.js';
