import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { baseEnv, ConfigError, loadConfig } from './config.js';

const schema = z.object({ ...baseEnv, PORT: z.coerce.number().int().min(1).max(65535).default(8080) });

describe('loadConfig', () => {
  test('applies defaults', () => {
    expect(loadConfig(schema, {})).toMatchObject({ PORT: 8080, LOG_LEVEL: 'info', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/finance', EVENT_NAMESPACE: '' });
  });

  test('fails fast naming every bad variable and its value', () => {
    const attempt = () => loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(attempt).toThrow(/DATABASE_URL: /);
    expect(attempt).toThrow(/LOG_LEVEL: /);
  });
});
