import { describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { analyzeSource, parseTableName, tableAllowed, type SourceSettings } from './warehouse.js';

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
});
