import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `currency` schema. Never generated from a diff at run time:
// a diff sees the whole database and would drop other services' schemas.

export class Migration20261205000001CreateRateTable extends Migration {
  override async up(): Promise<void> {
    // Long format, one row per published (day, currency): the ECB's wide file has a column per
    // currency, and its N/A cells are simply absent rows. The primary key (day, currency) also
    // serves the refresher's "days after the latest I hold" range; lookups by date run in memory
    // (the service holds the whole table), so no other index is needed.
    this.addSql(`
      create table currency.rate (
        day date not null check (day >= date '1999-01-04'),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$' and currency <> 'EUR'),
        -- 1 EUR = value currency; numeric keeps the published digits exactly ("0.58231")
        value numeric not null check (value > 0),
        primary key (day, currency)
      )`);
  }
}

export const currencyMigrations = [Migration20261205000001CreateRateTable];
