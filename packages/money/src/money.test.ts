import { MAX_INTEGER_DIGITS } from './index.js';
import { test, expect } from '@jest/globals';
test('smoke', () => { expect(MAX_INTEGER_DIGITS).toBe(15); });
