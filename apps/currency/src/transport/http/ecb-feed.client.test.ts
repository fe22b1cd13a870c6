import { describe, expect, test } from '@jest/globals';
import { MalformedRatesError } from '../../domain/published-rates.js';
import { parseEcbXml } from './ecb-feed.client.js';

const ENVELOPE = (cubes: string) => `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>${cubes}</Cube>
</gesmes:Envelope>`;

describe('parseEcbXml', () => {
  test('every day and currency, rates kept as written', () => {
    const xml = ENVELOPE(`
      <Cube time="2026-04-14"><Cube currency="USD" rate="1.1700"/><Cube currency="JPY" rate="186.9"/></Cube>
      <Cube time="2026-04-13"><Cube currency="USD" rate="1.1684"/></Cube>`);
    expect(parseEcbXml(xml)).toEqual([
      { day: '2026-04-14', currency: 'USD', value: '1.1700' },
      { day: '2026-04-14', currency: 'JPY', value: '186.9' },
      { day: '2026-04-13', currency: 'USD', value: '1.1684' },
    ]);
  });

  test('a single day with a single currency (the daily feed) is still a list', () => {
    expect(parseEcbXml(ENVELOPE('<Cube time="2026-04-14"><Cube currency="USD" rate="1.17"/></Cube>'))).toEqual([{ day: '2026-04-14', currency: 'USD', value: '1.17' }]);
  });

  test.each([
    ['not xml at all', /well-formed/],
    ['<html><body>Service unavailable</body></html>', /envelope/],
    [ENVELOPE('<Cube time="2026-04-14"><Cube currency="USD" rate="1.17"></Cube>'), /well-formed/],
    [ENVELOPE('<Cube time="2026-04-14"></Cube>'), /no date or no rates/],
    [ENVELOPE('<Cube><Cube currency="USD" rate="1.17"/></Cube>'), /no date/],
    [ENVELOPE('<Cube time="2026-04-14"><Cube currency="USD"/></Cube>'), /lacks/],
  ])('refuses %#', (xml, message) => {
    expect(() => parseEcbXml(xml)).toThrow(MalformedRatesError);
    expect(() => parseEcbXml(xml)).toThrow(message);
  });
});
