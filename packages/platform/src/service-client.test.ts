import { describe, expect, it, test } from '@jest/globals';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createLogger } from './logger.js';
import { DomainError } from './errors.js';
import { toGrpcStatus } from './grpc-errors.js';
import { dependencyError, isReadRpc } from './service-client.js';

const logger = createLogger('test', 'silent');

/** A failure as a client receives it: a bare status (transport, timeout, fault) … */
const failed = (code: status): ServiceError => Object.assign(new Error(`code ${code}`), { code, details: 'internal text', metadata: new Metadata() });

/** … or what the other service threw (its DomainError, with code and field errors in the metadata). */
function verdict(err: DomainError): ServiceError {
  const st = toGrpcStatus(err, logger);
  return Object.assign(new Error(st.details), { code: st.code!, details: st.details!, metadata: st.metadata! });
}

describe('dependencyError: every failed call, once, as a DomainError', () => {
  it('is <SERVICE>_DEADLINE_EXCEEDED (deadline) when the call timed out', () => {
    expect(dependencyError('ledger', failed(status.DEADLINE_EXCEEDED))).toMatchObject({ kind: 'deadline', code: 'LEDGER_DEADLINE_EXCEEDED', message: 'The ledger service did not answer in time.' });
  });

  it.each([status.UNAVAILABLE, status.CANCELLED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.UNKNOWN, status.INTERNAL, status.UNIMPLEMENTED, status.DATA_LOSS, status.PERMISSION_DENIED])(
    'is <SERVICE>_UNAVAILABLE (unavailable) for a failure that says nothing about the request (%s), without the service\'s text',
    (code) => {
      const err = dependencyError('budgeting', failed(code)) as DomainError;
      expect(err).toMatchObject({ kind: 'unavailable', code: 'BUDGETING_UNAVAILABLE' });
      expect(err.message).not.toContain('internal text');
    },
  );

  it.each([
    ['invalid_argument', 'LEDGER_INVALID_FIELDS'],
    ['not_found', 'LEDGER_TRANSACTION_NOT_FOUND'],
    ['already_exists', 'LEDGER_CATEGORY_NAME_TAKEN'],
    ['failed_precondition', 'LEDGER_SUM_TOO_LARGE'],
    ['unauthenticated', 'LEDGER_USER_NOT_FOUND'],
    ['unavailable', 'AUTH_UNAVAILABLE'],
    ['deadline', 'AUTH_DEADLINE_EXCEEDED'],
  ] as const)('keeps the service\'s own verdict (%s %s): kind, code and message', (kind, code) => {
    expect(dependencyError('ledger', verdict(new DomainError(kind, code, 'what the ledger said')))).toMatchObject({ kind, code, message: 'what the ledger said' });
  });

  it('keeps field errors and Retry-After', () => {
    const fields = dependencyError('ledger', verdict(new DomainError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'x', { errors: [{ path: 'amount', message: 'too many decimals — ü' }] })));
    expect(fields).toMatchObject({ errors: [{ path: 'amount', message: 'too many decimals — ü' }] });
    const limited = dependencyError('auth', verdict(new DomainError('resource_exhausted', 'AUTH_TOO_MANY_ATTEMPTS', 'wait', { retryAfterSeconds: 42 })));
    expect(limited).toMatchObject({ kind: 'resource_exhausted', code: 'AUTH_TOO_MANY_ATTEMPTS', retryAfterSeconds: 42 });
  });

  it('leaves what is not a gRPC error (a bug on this side) as it is, and a DomainError unchanged', () => {
    const bug = new TypeError('oops');
    expect(dependencyError('ledger', bug)).toBe(bug);
    const mapped = new DomainError('unavailable', 'LEDGER_UNAVAILABLE', 'x');
    expect(dependencyError('reporting', mapped)).toBe(mapped);
  });

  it('names multi-word services in one code', () => {
    expect(dependencyError('money-box', failed(status.UNAVAILABLE))).toMatchObject({ code: 'MONEY_BOX_UNAVAILABLE' });
  });
});

test('reads by the house naming (VerbNoun) are the RPCs retried', () => {
  for (const rpc of ['getUser', 'listCategories', 'sumTransactions', 'checkHealth', 'streamTransactions']) expect(isReadRpc(rpc)).toBe(true);
  for (const rpc of ['createTransaction', 'updateBudget', 'deleteUser', 'processRecurring', 'getter', 'registerUser']) expect(isReadRpc(rpc)).toBe(false);
});
