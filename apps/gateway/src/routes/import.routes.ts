import multipart from '@fastify/multipart';
import { DomainError } from '@finance/platform';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ReportingClient } from '../clients.js';
import { requireAuth } from '../plugins/authentication.js';
import { HttpProblem, problemResponses } from '../plugins/problem.js';
import { importBodyDoc, importCsvQuery, importHeaders, importProblemSchema, importResultSchema, replayedHeader } from './import.schemas.js';

export interface ImportRoutesOptions {
  reporting: ReportingClient;
  /** IMPORT_MAX_BYTES: the largest file taken (the text/csv body, or the multipart `file` part). */
  maxBytes: number;
}

/**
 * The deadline of one import: reporting reads the file and the ledger writes up to 100,000 rows in
 * one database transaction (reporting gives that call 120 s). GRPC_DEADLINE_MS suits one answer of
 * a few rows, not this.
 */
export const IMPORT_DEADLINE_MS = 150_000;

/** What a multipart body may hold around its file (boundaries, part headers, small fields) before its size alone refuses it. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const MEDIA_TYPES = ['multipart/form-data', 'text/csv'] as const;

const mediaTypeOf = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

/** The reporting service's code for a file of more than IMPORT_MAX_ROWS records: a 413 here (the file is too large), not resource_exhausted's 429. */
const TOO_MANY_ROWS = 'REPORTING_IMPORT_TOO_MANY_ROWS';

/** `POST /import/csv`: transactions from a CSV file, all or nothing. */
export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (app, { reporting, maxBytes }) => {
  const tooLarge = () => new HttpProblem(413, 'IMPORT_FILE_TOO_LARGE', `The file is larger than ${mib(maxBytes)}, the most one import takes: split it into smaller files.`);

  // Both parsers live in this plugin's scope only: every other route still takes JSON alone.
  // Multipart bodies are not buffered by the parser: the route streams the `file` part (busboy),
  // bounded by `fileSize`; every other part is bounded too, so a body cannot grow without limit.
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: maxBytes, files: 1, fields: 16, fieldSize: 16 * 1024, parts: 32, headerPairs: 64 },
  });
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));

  // Errors raised before the handler, in fastify's terms, as this route's problems; the app's
  // problem handler (the parent) renders them.
  app.setErrorHandler((err) => {
    if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw tooLarge();
    throw err;
  });

  /** The bytes of the multipart part named `file`; other parts are read past. */
  async function multipartFile(request: FastifyRequest): Promise<Buffer> {
    let file: Buffer | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file') file = await part.toBuffer();
        else if (part.type === 'file') await part.toBuffer(); // another file field: read (bounded) and dropped
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      if (code === 'FST_FILES_LIMIT') throw new HttpProblem(422, 'VALIDATION_FAILED', 'One or more fields are invalid.', { errors: [{ path: 'file', message: 'send one file only' }] });
      if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
        throw new HttpProblem(413, 'MULTIPART_TOO_MANY_PARTS', 'The multipart body has more parts than an import needs: send the file alone, in the field `file`.');
      }
      // busboy: no boundary, a cut or malformed body, the client gone.
      throw new HttpProblem(400, 'MALFORMED_MULTIPART', 'The multipart/form-data body is malformed.');
    }
    if (file === undefined) {
      throw new HttpProblem(422, 'VALIDATION_FAILED', 'One or more fields are invalid.', {
        errors: [{ path: 'file', message: 'is required: send the CSV file as the multipart/form-data file part named "file"' }],
      });
    }
    return file;
  }

  app.post(
    '/import/csv',
    {
      // Before the body is read (after authentication): the media type, and a multipart body
      // whose declared length alone is far beyond the limit.
      preParsing: async (request) => {
        const type = mediaTypeOf(request);
        if (!(MEDIA_TYPES as readonly string[]).includes(type)) {
          // The detail is the app's, from `consumes`.
          throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'This endpoint accepts multipart/form-data or text/csv request bodies.');
        }
        const length = Number(request.headers['content-length']);
        if (type === 'multipart/form-data' && Number.isFinite(length) && length > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge();
      },
      schema: {
        tags: ['export'],
        operationId: 'importTransactionsCsv',
        summary: 'Import transactions from a CSV file (the export’s format), all or nothing',
        description:
          'Send the file as `multipart/form-data` in the field `file`, or as the whole body with `Content-Type: text/csv`. The file is checked ' +
          'whole first: if any record is invalid, nothing is imported and the answer is 422 with `errors: [{line, message}]` naming every ' +
          'problem (the header is line 1; a record’s line is where it starts). Otherwise every row is imported in one transaction (201): ' +
          'rows equal to a transaction you already have are skipped, counted with multiplicity, so importing a file twice imports nothing ' +
          'the second time, and an exported file imports back unchanged. Categories are matched by name, case-insensitively, and created ' +
          'when missing.\n\n`?dry_run=true` checks and counts the same way and writes nothing (still 201: the counts are what an import ' +
          'would do now); a dry run ignores `Idempotency-Key` (it neither replays nor records an answer).\n\nWith an `Idempotency-Key` ' +
          'header a retry with the same file returns the first answer (201 with `Idempotent-Replayed: true`) and imports nothing; the ' +
          'same key with another file → 422; while the first request with the key is still being processed → 409 (retry).\n\nLimits: a ' +
          'file up to IMPORT_MAX_BYTES (10 MiB by default) and 100,000 records (the reporting service’s IMPORT_MAX_ROWS); beyond either → ' +
          '413 and nothing imported. An empty or binary upload, or a file in another encoding than UTF-8, is a refused file (422). ' +
          'Other media types → 415; a multipart body without a file part named `file` → 422.',
        consumes: [...MEDIA_TYPES],
        querystring: importCsvQuery,
        headers: importHeaders,
        body: importBodyDoc,
        response: {
          201: { description: 'The file was imported (or, for a dry run, would be)', content: { 'application/json': { schema: importResultSchema } }, headers: replayedHeader },
          422: { description: 'The file was refused, or a request part is invalid; nothing was imported', content: { 'application/problem+json': { schema: importProblemSchema } } },
          // 409: the first request with this Idempotency-Key is still being processed; retry.
          ...problemResponses(400, 401, 409, 413, 415, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const data = request.isMultipart() ? await multipartFile(request) : (request.body as Buffer | undefined);
      // text/csv without any body: fastify hands no buffer at all. It is an empty file, which reporting refuses as such.
      const bytes = Buffer.isBuffer(data) ? data : Buffer.alloc(0);
      const dryRun = request.query.dry_run === 'true';
      let answer;
      try {
        answer = await reporting.importTransactionsCsv(
          { userId, data: bytes, dryRun, idempotencyKey: request.headers['idempotency-key'] },
          { requestId: request.id, deadlineMs: IMPORT_DEADLINE_MS },
        );
      } catch (err) {
        if (err instanceof DomainError && err.code === TOO_MANY_ROWS) throw new HttpProblem(413, TOO_MANY_ROWS, err.message);
        throw err;
      }
      if (answer.errors.length) {
        throw new HttpProblem(422, 'IMPORT_FILE_INVALID', 'The file has invalid records (see `errors`, by line); nothing was imported.', {
          errors: answer.errors.map((e) => ({ line: Number(e.line), message: e.message })),
        });
      }
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ imported: Number(answer.imported), skipped_duplicates: Number(answer.skippedDuplicates), errors: [] });
    },
  );
};
