import { Readable } from 'node:stream';
import type { reportingV1 } from '@finance/proto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ReportingClient } from '../clients.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import { csvHeaders, csvSchema, exportCsvQuery, exportFileName } from './export.schemas.js';
import { ContractViolationError, toProtoDate } from './schemas.js';

export interface ExportRoutesOptions {
  reporting: ReportingClient;
}

/**
 * The deadline of a whole export stream (a stream's deadline covers every chunk, not each one).
 * GRPC_DEADLINE_MS (seconds) suits one answer, not a large file read as slowly as the client
 * downloads it: back-pressure holds the stream open meanwhile. This bounds how long one download
 * may hold a reporting and a ledger stream.
 */
export const EXPORT_DEADLINE_MS = 15 * 60 * 1000;

/**
 * Every chunk after `first`, as bytes. Leaving early (the client went away: the response stream is
 * destroyed, and Readable.from returns this generator) returns `rest`, which cancels the gRPC call.
 */
async function* csvBytes(first: reportingV1.ExportTransactionsCsvResponse, rest: AsyncIterator<reportingV1.ExportTransactionsCsvResponse>) {
  const bytes = (chunk: reportingV1.ExportTransactionsCsvResponse) => Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
  let finished = false;
  try {
    yield bytes(first);
    for (;;) {
      const next = await rest.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield bytes(next.value);
    }
  } catch (err) {
    // The iterator threw: it is already closed.
    finished = true;
    throw err;
  } finally {
    if (!finished) await rest.return?.();
  }
}

/** `/export/*`: the caller's data as files. */
export const exportRoutes: FastifyPluginAsyncZod<ExportRoutesOptions> = async (app, { reporting }) => {
  app.get(
    '/export/csv',
    {
      schema: {
        tags: ['export'],
        operationId: 'exportTransactionsCsv',
        summary: 'Your transactions between `from` and `to` as a CSV file, streamed',
        description:
          'The file is written as it is read from the ledger, in batches, so memory stays flat whatever its size and a slow download ' +
          'slows the reading down. Errors found before the first byte (authentication, `from` after `to` (422), the reporting service ' +
          'unavailable) are problem+json as everywhere. An error after the download has started cannot change the status any more: the ' +
          'connection is then closed without the end of the response (a chunked response without its final chunk), so the client sees ' +
          'an aborted download, never a file that looks complete but is not. Only your own transactions are exported.',
        querystring: exportCsvQuery,
        response: {
          200: { description: 'The CSV file (`text/csv; charset=utf-8`), as an attachment', content: { 'text/csv': { schema: csvSchema } }, headers: csvHeaders },
          ...problemResponses(401, 422, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { from, to } = request.query;
      const chunks = reporting
        .exportTransactionsCsv({ userId, from: toProtoDate(from), to: toProtoDate(to) }, { requestId: request.id, deadlineMs: EXPORT_DEADLINE_MS })
        [Symbol.asyncIterator]();
      // The first chunk (it holds the header) is read before anything is sent: a failure up to here
      // is still an ordinary problem+json answer, after it only an aborted response.
      const first = await chunks.next();
      if (first.done) throw new ContractViolationError('reporting sent no CSV header');
      // Not object mode: the stream buffers by bytes (highWaterMark), and only pulls the next chunk
      // from gRPC when the socket has taken the previous ones. Fastify destroys the response when
      // this stream fails after the headers are sent.
      const body = Readable.from(csvBytes(first.value, chunks), { objectMode: false });
      reply.header('content-disposition', `attachment; filename="${exportFileName(from, to)}"`).type('text/csv; charset=utf-8');
      return reply.send(body as never);
    },
  );
};
