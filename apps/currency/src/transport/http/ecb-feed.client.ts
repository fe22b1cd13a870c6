import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RatesProvider } from '../../application/refresh-rates.js';
import { MalformedRatesError, type RawRate } from '../../domain/published-rates.js';

/**
 * The ECB's XML feeds (eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml), all one shape:
 *
 *   <gesmes:Envelope …><Cube><Cube time="2026-04-13"><Cube currency="USD" rate="1.1684"/>…</Cube>…</Cube></gesmes:Envelope>
 *
 * Attributes are read as text (never numbers: rates stay exactly as written); namespace prefixes are
 * dropped. The entries are checked by the domain (checkFeed); here only the shape.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  removeNSPrefix: true,
  isArray: (tagName) => tagName === 'Cube',
});

interface DayCube {
  time?: unknown;
  Cube?: { currency?: unknown; rate?: unknown }[];
}

/** The entries of an ECB XML feed; MalformedRatesError when it is not one. */
export function parseEcbXml(xml: string): RawRate[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MalformedRatesError(`the feed is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = parser.parse(xml) as { Envelope?: { Cube?: { Cube?: DayCube[] }[] } };
  const outer = doc.Envelope?.Cube;
  if (!outer || outer.length !== 1 || !Array.isArray(outer[0]?.Cube)) throw new MalformedRatesError('the feed is not an ECB reference rates envelope (Envelope > Cube > Cube time=…)');
  const rates: RawRate[] = [];
  for (const dayCube of outer[0].Cube) {
    const day = dayCube.time;
    const entries = dayCube.Cube ?? [];
    if (typeof day !== 'string' || entries.length === 0) throw new MalformedRatesError(`a day of the feed has no date or no rates (time=${JSON.stringify(day)})`);
    for (const entry of entries) {
      if (typeof entry.currency !== 'string' || typeof entry.rate !== 'string') throw new MalformedRatesError(`an entry of ${day} lacks its currency or rate`);
      rates.push({ day, currency: entry.currency, value: entry.rate });
    }
  }
  return rates;
}

/** Thrown when the provider does not answer usefully; the refresher logs it and keeps the old rates. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

/** RATES_URL over HTTP(S): one GET with a timeout, the body read as an ECB XML feed. */
export function ecbFeedProvider(options: { url: string; timeoutMs: number }): RatesProvider {
  return {
    async fetchRates(signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let body: string;
      try {
        const res = await fetch(options.url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/xml, text/xml' } });
        if (!res.ok) {
          await res.body?.cancel();
          throw new ProviderUnavailableError(`${options.url} answered HTTP ${res.status}`);
        }
        body = await res.text();
      } catch (err) {
        if (err instanceof ProviderUnavailableError) throw err;
        const why = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
        throw new ProviderUnavailableError(`${options.url}: ${why}`, { cause: err });
      }
      return parseEcbXml(body);
    },
  };
}
