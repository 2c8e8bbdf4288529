/**
 * Who may import whom (`npm run check` runs it; docs/architecture.md explains the rules).
 * The data flows one way: spec/ -> scripts/ -> generated/ -> src/ -> the user's app, with
 * common/ (pure helpers) beneath all of them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'common-is-pure',
      comment: 'common/ is pure and runs anywhere: it imports nothing but itself (no repo, no packages, no node:).',
      severity: 'error',
      from: { path: '^common/' },
      to: { pathNot: '^common/' },
    },
    {
      name: 'src-not-scripts',
      comment: 'The package never imports the pipeline.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'drift-not-client',
      comment:
        'The drift engine stands apart from the client: what both need (FeatherError, DEFAULT_BASE_URL) lives in common/.',
      severity: 'error',
      from: { path: '^src/drift/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'scripts-only-drift-index',
      comment:
        'scripts/ may import common/ and src/drift/index.ts, never the client. The one exception: ' +
        "the client benchmark names the built package's type (a type-only import of src/index.ts).",
      severity: 'error',
      from: { path: '^scripts/', pathNot: '^scripts/bench/client\\.ts$' },
      to: { path: '^src/', pathNot: '^src/drift/index\\.ts$' },
    },
    {
      name: 'bench-client-only-the-entry',
      severity: 'error',
      comment: 'The client bench loads the built package through its entries: src/index.ts and the ./operations subpath.',
      from: { path: '^scripts/bench/client\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(index|operations)\\.ts$' },
    },
    {
      name: 'commands-independent',
      comment: 'One file per command: shared logic lives in pipeline/, ingest/ or lib/, not in another command.',
      severity: 'error',
      from: { path: '^scripts/commands/' },
      to: { path: '^scripts/commands/' },
    },
    {
      name: 'generated-only-common',
      comment:
        'generated/ imports only itself and common/ (the parameter-rule type); the operation functions (generated/functions.ts) also their one runtime helper, src/client/operation.ts, and their type, src/client/operation-fn.ts.',
      severity: 'error',
      from: { path: '^generated/' },
      to: { pathNot: '^(generated|common)/|^src/client/operation(-fn)?\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type import of the client is still a dependency on it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.tmp)/|^test/fixtures/(consumer|whole-api-consumer)/' },
  },
};
