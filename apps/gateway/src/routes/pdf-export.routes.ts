import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReportingClient } from '../clients.js';
import { doc, openApiRegistry } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';

// `GET /export/pdf?month=YYYY-MM` (API.md, Version 4): the monthly report as a PDF. Gathered and
// printed by the reporting service (apps/reporting/README.md, "Monthly report"); the gateway checks
// the month's form, names the file and passes the bytes on.

export interface PdfExportRoutesOptions {
  reporting: ReportingClient;
}

/**
 * The whole call's deadline: gathering takes well under a second, but the first report of a process
 * launches Chromium (a few seconds), and a request may wait in the renderer's queue. Beyond this the
 * client is better served by a 504 than by waiting on.
 */
export const PDF_DEADLINE_MS = 30_000;

/** `YYYY-MM`, month 01–12, year 0001–9999. Whether the month is in the future is reporting's verdict (your time zone). */
export const MONTH_PATTERN = /^(?!0000)\d{4}-(?:0[1-9]|1[0-2])$/;

export const pdfExportQuery = z.object({
  month: doc(
    z.string({ error: 'is required (YYYY-MM)' }).regex(MONTH_PATTERN, 'must be a month YYYY-MM (months 01 to 12)'),
    'The month reported, YYYY-MM (e.g. `2026-11`); not after the current month in your time zone',
  ),
});

const pdfSchema = z.string();
openApiRegistry.add(pdfSchema, {
  description:
    'An A4 PDF document (one or more pages) of the month in your `base_currency`: income, expenses and net against the previous month ' +
    '(absolute and %), spending by category with a chart, every budget’s status (on the month’s last day, or today for the current month), ' +
    'your savings goals and their progress (as they stand now), the largest expenses of the month, the period, your username and the time ' +
    'the report was made (in your time zone). Transactions in other currencies count at the ECB rate of their own date.',
  format: 'binary',
});

/** `finance-report-2026-11.pdf`. */
export const pdfFileName = (month: string) => `finance-report-${month}.pdf`;

/** `/export/pdf`: the monthly report. */
export const pdfExportRoutes: FastifyPluginAsyncZod<PdfExportRoutesOptions> = async (app, { reporting }) => {
  app.get(
    '/export/pdf',
    {
      schema: {
        tags: ['export'],
        operationId: 'exportMonthlyReportPdf',
        summary: 'The monthly report of `month` as a PDF',
        description:
          'A month after the current one (in your time zone) is a 422; a month before any of your data is a report of zeros. The PDF is ' +
          'printed by a shared browser with a bounded queue: when it is full the answer is 503 `REPORTING_PDF_BUSY` with `Retry-After` ' +
          '(seconds). Only your own data is in it.',
        querystring: pdfExportQuery,
        response: {
          200: {
            description: 'The report (`application/pdf`), as an attachment',
            content: { 'application/pdf': { schema: pdfSchema } },
            headers: {
              'Content-Disposition': { type: 'string', description: '`attachment; filename="finance-report-<month>.pdf"`, e.g. `finance-report-2026-11.pdf`' },
            },
          },
          ...problemResponses(401, 422, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { month } = request.query;
      const [year, monthNumber] = month.split('-').map(Number) as [number, number];
      const { pdf } = await reporting.renderMonthlyReport({ userId, year, month: monthNumber }, { requestId: request.id, deadlineMs: PDF_DEADLINE_MS });
      reply.header('content-disposition', `attachment; filename="${pdfFileName(month)}"`).type('application/pdf');
      // Bytes, not a string: fastify sends a Buffer as it is (no serializer runs).
      return reply.send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength) as never);
    },
  );
};
