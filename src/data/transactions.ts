/**
 * A file with one row per transaction -> one row per customer (RFM), before cleaning:
 * recency (days from the last purchase to the day after the file's last date), frequency (the
 * number of transactions), monetary (the total, and the average ticket) and tenure (days from the
 * first to the last purchase). The file is recognised by a customer column whose values repeat, a
 * date column and an amount column; `transactions: true` insists, `false` never aggregates.
 */
import { nameTokens } from '../common/vocabulary.js';
import { InputError } from '../common/errors.js';
import { DATE_FORMAT_NAMES, isoDay, readDateColumn, type DateColumn } from './dates.js';
import { CellKind, parseColumn, type NumericColumn } from './numbers.js';
import type { RawTable } from './parse.js';
import { looksLikeIdentifierName } from './roles.js';
import type { Aggregation, IngestLimits } from './schema.js';
import { count, listNames, quoteName } from './wording.js';
import { TextColumn } from './text-column.js';

/** The aggregated columns, in order, and what each holds. */
export const RFM_FEATURES = [
  { name: 'recency_days', definition: 'days from the last purchase to the reference date (the day after the last date in the file)' },
  { name: 'frequency', definition: 'the number of transactions' },
  { name: 'monetary_total', definition: 'the sum of the amounts' },
  { name: 'average_ticket', definition: 'the sum of the amounts divided by the number of transactions' },
  { name: 'tenure_days', definition: 'days from the first to the last purchase' },
] as const;

/** Auto-detection needs customers to repeat: at most this many distinct customers per transaction row. */
const MAX_CUSTOMER_SHARE = 0.8;
const CUSTOMER_TOKENS = new Set(['customer', 'customers', 'client', 'clients', 'member', 'account', 'user', 'buyer', 'shopper', 'cust', 'cardholder', 'consumer', 'household']);
const NOT_CUSTOMER_TOKENS = new Set(['invoice', 'order', 'transaction', 'txn', 'trx', 'receipt', 'basket', 'line', 'item', 'product', 'sku', 'stock', 'store', 'branch', 'merchant']);
const AMOUNT_TOKENS = new Set(['amount', 'amt', 'value', 'price', 'total', 'spend', 'spent', 'revenue', 'sales', 'sale', 'paid', 'payment', 'sum', 'net', 'gross', 'monetary', 'ticket', 'charge', 'cost']);
/** Names that make an unreadable column a date column worth a sentence; weaker words ("day", "time") only when forced. */
const DATE_TOKENS = new Set(['date', 'timestamp', 'datetime']);
const WEAK_DATE_TOKENS = new Set(['day', 'time', 'when', 'purchased', 'dt']);

interface Found {
  readonly customer: number;
  readonly date: number;
  readonly dates: DateColumn;
  readonly amount: number;
  readonly amounts: NumericColumn;
}

/**
 * The table as one row per customer when it is a transaction file (or `forced`), else unchanged.
 * A forced file that cannot be aggregated gets one sentence saying what is missing.
 */
export function customersFromTransactions(raw: RawTable, forced: boolean | undefined, limits: IngestLimits): RawTable {
  if (forced === false) return raw;
  const found = findColumns(raw, forced === true);
  return found === null ? raw : aggregate(raw, found, limits);
}

function findColumns(raw: RawTable, forced: boolean): Found | null {
  const { names, cells } = raw;
  let dateIndex = -1;
  let dates: DateColumn | null = null;
  for (let c = 0; c < names.length && dates === null; c++) {
    dates = readDateColumn(cells[c]);
    if (dates !== null) dateIndex = c;
  }
  const customer = findCustomer(raw, dateIndex);
  // Most files are one row per customer: they stop here, before any amount column is parsed.
  if (!forced && (customer === null || customer.distinct > MAX_CUSTOMER_SHARE * customer.filled)) return null;
  const amount = findAmount(raw, [dateIndex, customer?.index ?? -1]);
  if (!forced && amount === null) return null;

  if (dates === null) {
    const named = names.findIndex((name) => nameTokens(name).some((t) => DATE_TOKENS.has(t) || (forced && WEAK_DATE_TOKENS.has(t))));
    if (named !== -1 && (forced || (customer !== null && amount !== null))) {
      const first = cells[named].firstFilled();
      const example = first === -1 ? '' : cells[named].at(first);
      throw new InputError(
        `Column ${quoteName(names[named])} holds values that are not dates in one format (such as ${quoteName(example)}); write them as yyyy-mm-dd, dd/mm/yyyy or mm/dd/yyyy.`,
        'unreadable-dates',
      );
    }
    if (!forced) return null;
    throw new InputError(
      'No column holds dates (such as 2024-03-31 or 31/03/2024), so the file cannot be read as one row per transaction; add the purchase date, or leave out --transactions for one row per customer.',
      'no-date-column',
    );
  }
  if (customer === null) {
    throw new InputError(
      'No column names the customer of each transaction (such as "Customer ID"); add one, or leave out --transactions for one row per customer.',
      'no-customer-column',
    );
  }
  if (customer.distinct === customer.filled) {
    throw new InputError(
      `No customer appears more than once in ${quoteName(names[customer.index])}, so this is one row per customer, not per transaction; upload it without --transactions.`,
      'no-repeat-customers',
    );
  }
  if (amount === null) {
    const numeric = names.filter((_, c) => c !== customer.index && c !== dateIndex && isNumeric(parseColumn(cells[c], false)));
    throw new InputError(
      `No column holds the amount of each transaction${numeric.length > 0 ? ` (the numeric columns are ${listNames(numeric)})` : ''}; name it "amount", or leave out --transactions for one row per customer.`,
      'no-amount-column',
    );
  }
  return { customer: customer.index, date: dateIndex, dates, amount: amount.index, amounts: amount.column };
}

interface CustomerColumn {
  readonly index: number;
  readonly distinct: number;
  readonly filled: number;
}

/** A column named for the customer ("Customer ID", "client") first, else one named like an identifier that is not an order's. */
function findCustomer(raw: RawTable, dateIndex: number): CustomerColumn | null {
  let best: { index: number; rank: number } | null = null;
  raw.names.forEach((name, c) => {
    if (c === dateIndex) return;
    const tokens = nameTokens(name);
    if (tokens.some((t) => NOT_CUSTOMER_TOKENS.has(t))) return;
    const rank = tokens.some((t) => CUSTOMER_TOKENS.has(t)) ? 0 : looksLikeIdentifierName(name) ? 1 : -1;
    if (rank === -1 || (best !== null && best.rank <= rank)) return;
    if (raw.cells[c].firstFilled() !== -1) best = { index: c, rank };
  });
  if (best === null) return null;
  const { index } = best;
  const column = raw.cells[index];
  return { index, ...column.countFilled() };
}

/** A numeric column named like an amount, else the only numeric column that is not an identifier. */
function findAmount(raw: RawTable, skip: readonly number[]): { index: number; column: NumericColumn } | null {
  const numeric = raw.names.flatMap((name, c) => {
    if (skip.includes(c)) return [];
    const column = parseColumn(raw.cells[c], false);
    return isNumeric(column) ? [{ index: c, column, name }] : [];
  });
  const named = numeric.find((n) => nameTokens(n.name).some((t) => AMOUNT_TOKENS.has(t)));
  if (named) return named;
  const plain = numeric.filter((n) => !looksLikeIdentifierName(n.name));
  return plain.length === 1 ? plain[0] : null;
}

function isNumeric(column: NumericColumn): boolean {
  let valid = 0;
  let other = 0;
  for (const kind of column.kinds) {
    if (kind === CellKind.valid) valid++;
    else if (kind !== CellKind.missing) other++;
  }
  return valid > 0 && valid >= other;
}

function aggregate(raw: RawTable, found: Found, limits: IngestLimits): RawTable {
  const { names, cells } = raw;
  const ids = cells[found.customer];
  const index = new Map<string, number>();
  const first: number[] = [];
  const last: number[] = [];
  const frequency: number[] = [];
  const total: number[] = [];
  let missingCustomer = 0;
  let badDate = 0;
  let badAmount = 0;
  let negative = 0;
  let lastDay = -Infinity;
  let firstDay = Infinity;
  for (let r = 0; r < ids.length; r++) {
    const id = ids.at(r);
    const day = found.dates.days[r];
    const amount = found.amounts.values[r];
    // One reason per row, in this order.
    if (id.length === 0) missingCustomer++;
    else if (Number.isNaN(day)) badDate++;
    else if (found.amounts.kinds[r] !== CellKind.valid || !Number.isFinite(amount)) badAmount++;
    else {
      let i = index.get(id);
      if (i === undefined) {
        i = first.length;
        index.set(id, i);
        first.push(day);
        last.push(day);
        frequency.push(0);
        total.push(0);
      }
      first[i] = Math.min(first[i], day);
      last[i] = Math.max(last[i], day);
      frequency[i]++;
      total[i] += amount;
      if (amount < 0) negative++;
      lastDay = Math.max(lastDay, day);
      firstDay = Math.min(firstDay, day);
    }
  }
  const customers = first.length;
  const used = frequency.reduce((a, b) => a + b, 0);
  if (customers < limits.minRows) {
    throw new InputError(
      `The usable transactions come from ${count(customers, 'customer')}; segmenting needs at least ${limits.minRows} (setting minRows).`,
      'too-few-customers',
    );
  }
  const reference = lastDay + 1;
  const columns: string[][] = [[...index.keys()], [], [], [], [], []];
  for (let i = 0; i < customers; i++) {
    columns[1].push(String(reference - last[i]));
    columns[2].push(String(frequency[i]));
    columns[3].push(String(total[i]));
    columns[4].push(String(total[i] / frequency[i]));
    columns[5].push(String(last[i] - first[i]));
  }

  const customerName = names[found.customer];
  const dateName = names[found.date];
  const amountName = names[found.amount];
  const rowsNotUsed: Aggregation['rowsNotUsed'] = [];
  if (missingCustomer > 0) rowsNotUsed.push({ reason: 'no customer', rows: missingCustomer });
  if (badDate > 0) rowsNotUsed.push({ reason: 'date missing or not readable', rows: badDate });
  if (badAmount > 0) rowsNotUsed.push({ reason: 'amount missing or not a number', rows: badAmount });
  const notes = [
    `Read ${count(used, 'transaction')} of ${count(customers, 'customer')} (customer ${quoteName(customerName)}, date ${quoteName(dateName)} as ${DATE_FORMAT_NAMES[found.dates.format]}, amount ${quoteName(amountName)}); each customer became one row: days since the last purchase (counted to ${isoDay(reference)}, the day after the last date), number of transactions, total and average amount, and days from the first to the last purchase.`,
  ];
  if (found.dates.ambiguity) notes.push(`In ${quoteName(dateName)}, ${found.dates.ambiguity}.`);
  for (const { reason, rows } of rowsNotUsed) notes.push(`Left out ${count(rows, 'transaction row')}: ${reason}.`);
  if (negative > 0) notes.push(`${count(negative, 'transaction')} ${negative === 1 ? 'has' : 'have'} a negative amount (a refund or return); ${negative === 1 ? 'it reduces' : 'they reduce'} the customer's total.`);
  // The customer column must read as the identifier after aggregation, even when its name does not say so.
  const idName = looksLikeIdentifierName(customerName) ? customerName : `${customerName} ID`;
  const aggregation: Aggregation = {
    kind: 'rfm',
    customerColumn: customerName,
    dateColumn: dateName,
    dateFormat: found.dates.format,
    dateReading: found.dates.ambiguity,
    amountColumn: amountName,
    firstDate: isoDay(firstDay),
    lastDate: isoDay(lastDay),
    referenceDate: isoDay(reference),
    transactionsIn: ids.length,
    transactionsUsed: used,
    customers,
    rowsNotUsed,
    negativeAmounts: negative,
    features: RFM_FEATURES.map((f) => ({ ...f })),
  };
  return {
    delimiter: raw.delimiter,
    names: [idName, ...RFM_FEATURES.map((f) => f.name)],
    cells: columns.map((column) => TextColumn.fromStrings(column)),
    rowNumbers: Int32Array.from({ length: customers }, (_, i) => i + 1),
    rowsRead: customers,
    notes: [...raw.notes, ...notes],
    ...(raw.workbook ? { workbook: raw.workbook } : {}),
    aggregation,
  };
}
