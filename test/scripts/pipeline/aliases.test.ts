import { describe, expect, it } from 'vitest';
import {
  fastApiFunctionName,
  lockedAliases,
  operationBases,
  pascalCase,
  schemaAliases,
} from '../../../scripts/pipeline/aliases.ts';
import { decideRemovals, type NameRemoval } from '../../../scripts/pipeline/name-lock.ts';

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

describe('lockedAliases without a lock', () => {
  it('adds query and response aliases per operation, after the schema names', () => {
    const names = lockedAliases(
      { GetThingsQuery: { title: 'GetThingsQuery' } },
      [
        {
          operationId: 'getThings',
          method: 'get',
          path: '/things',
          hasQuery: true,
          hasPath: false,
          hasBody: false,
          success: { status: '200', mediaType: 'application/json' },
        },
      ],
      {},
    ).aliases.map((alias) => `${alias.name} = ${alias.target}`);
    expect(names).toEqual([
      'GetThingsQuery = components["schemas"]["GetThingsQuery"]',
      'GetThingsQuery2 = operations["getThings"]["parameters"]["query"]',
      'GetThingsResponse = operations["getThings"]["responses"][200]["content"]["application/json"]',
    ]);
  });
});

const op = (operationId: string, method: string, path: string) => ({
  operationId,
  method,
  path,
  hasQuery: false,
  hasPath: false,
  hasBody: true,
});

describe('operationBases', () => {
  it('reads the function name out of a FastAPI default operationId', () => {
    const id = 'send_message_v1_ask_feather_sessions__session_id__messages_post';
    expect(
      fastApiFunctionName(op(id, 'post', '/v1/ask-feather/sessions/{session_id}/messages')),
    ).toBe('send_message');
    expect(fastApiFunctionName(op('sendMessage', 'post', '/v1/x'))).toBeUndefined();
  });

  it('gives FastAPI ids readable bases, qualified by path area when they clash, by the whole id after that', () => {
    const bases = operationBases([
      op(
        'send_message_v1_ask_feather_sessions__id__messages_post',
        'post',
        '/v1/ask-feather/sessions/{id}/messages',
      ),
      op(
        'send_message_v1_workflow_playground_sessions__id__messages_post',
        'post',
        '/v1/workflow-playground/sessions/{id}/messages',
      ),
      op('get_voice_v1_voice_voices__voice_id__get', 'get', '/v1/voice/voices/{voice_id}'),
      op('getVoice', 'get', '/v1/other/voice'),
      op('list_a_v1_x_a_get', 'get', '/v1/x/a'),
      op('list_a_v1_x_b_a_get', 'get', '/v1/x/b/a'),
    ]);
    expect(Object.fromEntries(bases)).toEqual({
      send_message_v1_ask_feather_sessions__id__messages_post: 'AskFeatherSendMessage',
      send_message_v1_workflow_playground_sessions__id__messages_post:
        'WorkflowPlaygroundSendMessage',
      // A camelCase id keeps its own name; the FastAPI one that clashes with it is qualified.
      getVoice: 'GetVoice',
      get_voice_v1_voice_voices__voice_id__get: 'VoiceGetVoice',
      list_a_v1_x_a_get: 'ListAV1XAGet',
      list_a_v1_x_b_a_get: 'ListAV1XBAGet',
    });
  });
});

describe('lockedAliases', () => {
  const integrations = 'src__analytics__integrations__schemas__DashboardEnvelope';
  const policy = 'src__analytics__policy__schemas__DashboardEnvelope';

  it('keeps a locked name on its holder when a new schema brings the same title', () => {
    const first = lockedAliases({ [integrations]: { title: 'DashboardEnvelope' } }, [], {});
    expect(first.lock).toEqual({ DashboardEnvelope: `schema:${integrations}` });
    const grown = lockedAliases(
      { [integrations]: { title: 'DashboardEnvelope' }, [policy]: { title: 'DashboardEnvelope' } },
      [],
      first.lock,
    );
    expect(grown.lock).toEqual({
      DashboardEnvelope: `schema:${integrations}`,
      PolicyDashboardEnvelope: `schema:${policy}`,
    });
    expect(grown.gone).toEqual([]);
    // Without the lock the same input names both by module: the lock is what keeps the old name.
    expect(Object.keys(lockedAliases({ [integrations]: {}, [policy]: {} }, [], {}).lock)).toEqual([
      'IntegrationsDashboardEnvelope',
      'PolicyDashboardEnvelope',
    ]);
  });

  it('never gives a locked name to anything else, and reports it when its target is gone', () => {
    const result = lockedAliases({ Other: { title: 'Row' } }, [], { Row: 'schema:Gone' });
    expect(result.gone).toEqual([{ name: 'Row', key: 'schema:Gone' }]);
    expect(result.lock).toEqual({ Row: 'schema:Other' });
    // The caller refuses the run unless the removal was asked for: see decideRemovals.
  });

  it('keeps an operation alias name when the operation moves to another success status', () => {
    const lock = { GetThingsResponse: 'operation:getThings:response' };
    const { aliases } = lockedAliases(
      {},
      [
        {
          ...op('getThings', 'get', '/things'),
          hasBody: false,
          success: { status: '201', mediaType: 'application/json' },
        },
      ],
      lock,
    );
    expect(aliases.map((a) => `${a.name} = ${a.target}`)).toEqual([
      'GetThingsResponse = operations["getThings"]["responses"][201]["content"]["application/json"]',
    ]);
  });
});

describe('decideRemovals', () => {
  const gone = [
    { name: 'A', key: 'schema:A' },
    { name: 'B', key: 'schema:B' },
  ];
  const table: [
    string,
    NameRemoval | undefined,
    { removed: string[]; blocked: string[]; unknown: string[] },
  ][] = [
    [
      'nothing asked: every gone name blocks',
      undefined,
      { removed: [], blocked: ['A', 'B'], unknown: [] },
    ],
    ['one by name', ['A'], { removed: ['A'], blocked: ['B'], unknown: [] }],
    ['all gone', 'all-gone', { removed: ['A', 'B'], blocked: [], unknown: [] }],
    ['a name that is not gone', ['A', 'C'], { removed: ['A'], blocked: ['B'], unknown: ['C'] }],
  ];
  it.each(table)('%s', (_, removal, want) => {
    const got = decideRemovals(gone, removal);
    expect({
      removed: got.removed.map((g) => g.name),
      blocked: got.blocked.map((g) => g.name),
      unknown: got.unknown,
    }).toEqual(want);
  });
});
