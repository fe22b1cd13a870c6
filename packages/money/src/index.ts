// @finance/money: exact money for the Finance Tracker. An amount is an integer count of
// the currency's minor units (bigint) plus its ISO 4217 code — never a JS float. The REST
// API speaks decimal strings ("12.50"); parseMoney/formatMoney are the only way in and out.
export { MoneyError, type MoneyErrorReason } from './errors.js';
export { type Currency, getCurrency, isCurrencyCode, requireCurrency, listCurrencies } from './currencies.js';
export { roundHalfEven } from './decimal.js';
export {
  type Money,
  type ParseMoneyOptions,
  MAX_INTEGER_DIGITS,
  MIN_STORED_MINOR,
  MAX_STORED_MINOR,
  parseMoney,
  amountToDecimalString,
  amountFromNumberLiteral,
  formatMoney,
  money,
  minorToDb,
  minorFromDb,
  addMoney,
  subtractMoney,
  negateMoney,
  compareMoney,
  sumMoney,
  isZero,
  isNegative,
  isPositive,
} from './money.js';
export { convertMoney, crossConvertMoney, crossRate, percentOf } from './convert.js';
export { checkAmountSyntax, parseStoredAmount, reexpressMoney } from './amount-rules.js';
