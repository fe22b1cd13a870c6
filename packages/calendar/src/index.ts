export * from './calendar.js';
export * from './date-field.js';
export * from './recurrence.js';
export * from './local-date.js';
