import { describe, expect, it } from 'vitest';
import { allAliases, pascalCase, schemaAliases } from '../scripts/pipeline/aliases.ts';

describe('pascalCase', () => {
  const table: [string, string][] = [
    ['DashboardEnvelope', 'DashboardEnvelope'],
    ['Response Gettoolreliabilitytimeoutanalysis', 'ResponseGettoolreliabilitytimeoutanalysis'],
    ['getIntegrationDashboard', 'GetIntegrationDashboard'],
    ['http validation-error', 'HttpValidationError'],
    ['2xx body', 'T2xxBody'],
    ['***', 'Unnamed'],
  ];
  it.each(table)('%s -> %s', (given, want) => expect(pascalCase(given)).toBe(want));
});

describe('schemaAliases', () => {
  it('names a schema after its title, not its namespaced key', () => {
    const aliases = schemaAliases({
      src__analytics__integrations__schemas__DashboardEnvelope: { title: 'DashboardEnvelope' },
    });
    expect(aliases).toEqual([
      {
        name: 'DashboardEnvelope',
        target: 'components["schemas"]["src__analytics__integrations__schemas__DashboardEnvelope"]',
        doc: '`src__analytics__integrations__schemas__DashboardEnvelope` (title "DashboardEnvelope")',
      },
    ]);
  });

  it('qualifies schemas that share a title by the part of the key that differs', () => {
    const names = schemaAliases({
      src__analytics__integrations__schemas__ErrorBreakdownRow: { title: 'ErrorBreakdownRow' },
      src__analytics__tools__schemas__ErrorBreakdownRow: { title: 'ErrorBreakdownRow' },
      ErrorResponse: { title: 'ErrorResponse' },
    }).map((alias) => alias.name);
    expect(names).toEqual([
      'ErrorResponse',
      'IntegrationsErrorBreakdownRow',
      'ToolsErrorBreakdownRow',
    ]);
  });

  it('numbers what stays ambiguous, in key order, and never takes a reserved name', () => {
    const names = schemaAliases({
      A: { title: 'Row' },
      B: { title: 'Row' },
      C: { title: 'paths' },
    }).map((a) => `${a.name}`);
    expect(names).toEqual(['Paths', 'Row', 'Row2']);
  });

  it('keeps an unambiguous title ahead of a qualified one that would collide with it', () => {
    const names = schemaAliases({
      x__Row: { title: 'Row' },
      y__Row: { title: 'Row' },
      XRow: { title: 'XRow' },
    }).map((alias) => alias.name);
    expect(names).toEqual(['XRow', 'XRow2', 'YRow']);
  });

  it('falls back to the key tail when there is no title', () => {
    expect(schemaAliases({ src__things__schemas__Thing: {} })[0]!.name).toBe('Thing');
  });
});

describe('allAliases', () => {
  it('adds query and response aliases per operation, after the schema names', () => {
    const names = allAliases({ GetThingsQuery: { title: 'GetThingsQuery' } }, [
      {
        operationId: 'getThings',
        method: 'get',
        path: '/things',
        hasQuery: true,
        hasPath: false,
        hasBody: false,
        success: { status: '200', mediaType: 'application/json' },
      },
    ]).map((alias) => `${alias.name} = ${alias.target}`);
    expect(names).toEqual([
      'GetThingsQuery = components["schemas"]["GetThingsQuery"]',
      'GetThingsQuery2 = operations["getThings"]["parameters"]["query"]',
      'GetThingsResponse = operations["getThings"]["responses"][200]["content"]["application/json"]',
    ]);
  });
});
