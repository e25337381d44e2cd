import { describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import type { AnalysisReport } from '../analysis/report.js';
import { analyzeSource, chatTable, parseTableName, saveWarehouseLabels, tableAllowed, type SourceSettings } from './warehouse.js';

const settings: SourceSettings = {
  sources: [{ name: 'dwh', url: 'postgres://ro@127.0.0.1:1/none', tables: ['crm.customers', 'marts.*'] }],
  statementTimeoutMs: 1000,
};

describe('sources an admin configured', () => {
  it('allow only the tables listed, by name or by schema', () => {
    const [dwh] = settings.sources;
    expect(tableAllowed(dwh, parseTableName('crm.customers'))).toBe(true);
    expect(tableAllowed(dwh, parseTableName('marts.anything'))).toBe(true);
    expect(tableAllowed(dwh, parseTableName('crm.salaries'))).toBe(false);
    expect(tableAllowed(dwh, parseTableName('customers'))).toBe(false);
    expect(() => parseTableName('a.b.c')).toThrow('Name the table as schema.table, for example public.customers.');
  });

  it('refuse, before connecting, a table not allowed, a labels table outside them, an unknown name, and a URL typed in chat', async () => {
    const ask = (source: string, table: string, writeLabels?: string) =>
      analyzeSource(settings, { source, table, writeLabels, allowUrl: false, options: {} }, silentLogger);
    await expect(ask('dwh', 'crm.salaries')).rejects.toMatchObject({ code: 'table-not-allowed' });
    await expect(ask('dwh', 'crm.customers', 'public.labels')).rejects.toMatchObject({ code: 'table-not-allowed' });
    await expect(ask('other', 'crm.customers')).rejects.toMatchObject({ code: 'unknown-source', message: 'There is no source by that name; the sources are dwh.' });
    await expect(ask('postgres://me@127.0.0.1/test', 'public.t')).rejects.toMatchObject({ code: 'unknown-source' });
  });

  it('check a table named in chat against the configured names and tables, never taking a URL', () => {
    expect(chatTable(settings, 'dwh', 'crm.customers')).toEqual({ source: 'dwh', schema: 'crm', table: 'customers' });
    expect(() => chatTable(settings, 'dwh', 'crm.salaries')).toThrow('The source "dwh" does not allow crm.salaries');
    expect(() => chatTable(settings, 'postgres://me@127.0.0.1/test', 'public.t')).toThrow('There is no source by that name');
  });

  it('save the segments under the default name only where the admin allows it, and otherwise ask for a name, before connecting', async () => {
    // Never read: every refusal comes before a connection (the URL's port 1 would refuse one anyway).
    const report = {} as AnalysisReport;
    const save = (schema: string, target: string | null) => saveWarehouseLabels(settings, { source: 'dwh', schema, table: 'customers' }, report, target, silentLogger);
    await expect(save('crm', null)).rejects.toMatchObject({
      code: 'labels-table-needed',
      message: 'Name the table to save the segments to, e.g. "save the segments to schema.table"; the source "dwh" allows crm.customers, marts.*.',
    });
    await expect(save('crm', 'public.labels')).rejects.toMatchObject({ code: 'table-not-allowed' });
    await expect(save('crm', 'marts.a.b')).rejects.toMatchObject({ code: 'bad-table-name' });
    // marts.* allows marts.customers_segments: the default name passes the checks, and only connecting fails.
    await expect(save('marts', null)).rejects.toMatchObject({ code: 'source-unreachable' });
  });
});

