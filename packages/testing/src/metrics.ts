/** One scrape of a Prometheus text page (what GET /metrics answered), read the way a test asks. */
export interface Scrape {
  /** The page as served. */
  text: string;
  /**
   * The sum of the samples named `name` whose labels include `labels` (0 when none does): a
   * counter by its full label set, or summed over the labels left out (every `code` of a method).
   */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether the page has a sample named `name` at all. */
  has(name: string): boolean;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus' text exposition format (version 0.0.4): samples only, comments skipped. */
export function parseMetrics(text: string): Scrape {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (m[2] ?? '').matchAll(LABEL)) labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return {
    text,
    value: (name, wanted = {}) =>
      samples
        .filter((s) => s.name === name && Object.entries(wanted).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0),
    has: (name) => samples.some((s) => s.name === name),
  };
}

/** GET `url` (a /metrics endpoint) and parse it; anything but a 200 in the text format throws. */
export async function scrapeMetrics(url: string): Promise<Scrape> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/plain')) {
    throw new Error(`scraping ${url}: ${res.status} ${res.headers.get('content-type')} ${text.slice(0, 200)}`);
  }
  return parseMetrics(text);
}
