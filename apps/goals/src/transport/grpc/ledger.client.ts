import { fromCalendarDate } from '@finance/calendar';
import { money } from '@finance/money';
import { DomainError, type ServiceClient } from '@finance/platform';
import type { ledgerV1 } from '@finance/proto';
import type { Ledger } from '../../application/context.js';
import { errors } from '../../domain/errors.js';

export type LedgerClient = ServiceClient<typeof ledgerV1.LedgerServiceService>;

/**
 * The Ledger port over the ledger's gRPC API (a client from createServiceClient('ledger', …)).
 * GetTransaction answers only the user's own transactions: NOT_FOUND (unknown or someone else's) is
 * "no such transaction"; the ledger not knowing the user any more is this service's "the account no
 * longer exists". Other failures are the service client's (LEDGER_UNAVAILABLE, LEDGER_DEADLINE_EXCEEDED).
 */
export function ledgerPort(client: LedgerClient): Ledger {
  return {
    async findTransaction(userId, transactionId) {
      let transaction: ledgerV1.Transaction | undefined;
      try {
        ({ transaction } = await client.getTransaction({ userId, id: transactionId }));
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') return undefined;
        if (err instanceof DomainError && err.kind === 'unauthenticated') throw errors.userNotFound();
        throw err;
      }
      if (!transaction) return undefined;
      const date = transaction.date && fromCalendarDate(transaction.date);
      const amount = transaction.amount;
      if (!date || !amount || !/^\d+$/.test(amount.minorUnits) || amount.minorUnits === '0') {
        throw new Error('the ledger answered a transaction without a date or a positive amount');
      }
      return { id: transaction.id, amount: money(amount.minorUnits, amount.currency), date };
    },
  };
}
