/**
 * The drift rule table: every change the diff engine can report, with how much it matters to a
 * typed TypeScript client. The rule table in docs/drift.md is this table;
 * `test/drift/drift-rules.test.ts` checks that every rule has a case both ways and a row there.
 *
 * Levels: `breaking` (code compiled against the pinned types can fail to compile or break at
 * run time), `warning` (compiles, but exhaustive handling such as a `switch` over an enum can
 * miss a case), `info` (reported, harmless).
 */

export type ChangeLevel = 'breaking' | 'warning' | 'info';

interface RuleDefinition {
  level: ChangeLevel;
  /** When the rule fires, in one line, as docs/drift.md shows it. */
  when: string;
}

export const DRIFT_RULES = {
  // Operations
  'operation-removed': { level: 'breaking', when: 'an operation we pin is gone upstream' },
  'operation-added': { level: 'info', when: 'upstream has an operation we do not pin' },
  'operation-path-changed': {
    level: 'breaking',
    when: 'an operation moved to another path or method, matched by its operationId (typed calls name the path)',
  },
  'operation-id-changed': {
    level: 'breaking',
    when: 'operationId changed (generated alias names derive from it)',
  },
  // Exported names (generated/aliases.ts), as a regeneration from the other side writes them
  'exported-name-removed': {
    level: 'breaking',
    when: 'an exported type alias would be removed by a regeneration (what it names is gone upstream; the name lock then stops `generate` until `--remove-name`): importers stop compiling',
  },
  'exported-name-repointed': {
    level: 'breaking',
    when: 'an exported type alias would point at another type (its name now derives from another schema or status)',
  },
  'exported-name-kept': {
    level: 'info',
    when: 'generated/names.lock.json keeps an exported type alias that a regeneration without it would rename or give to another type, or keeps it on the schema upstream re-keyed (same title, same place)',
  },
  'exported-name-added': { level: 'info', when: 'a regeneration would export a new type alias' },
  // Request parameters
  'request-parameter-removed': { level: 'breaking', when: 'a parameter we may send is gone' },
  'request-parameter-required-added': { level: 'breaking', when: 'a new required parameter' },
  'request-parameter-added': { level: 'info', when: 'a new optional parameter' },
  'request-parameter-became-required': {
    level: 'breaking',
    when: 'an optional parameter became required',
  },
  'request-parameter-became-optional': {
    level: 'info',
    when: 'a required parameter became optional',
  },
  'request-parameter-serialization-changed': {
    level: 'breaking',
    when: 'a parameter’s `style` or `explode` changed',
  },
  'request-parameter-location-changed': {
    level: 'breaking',
    when: 'a parameter moved (`in`: query/header/path/cookie; typed calls pass it under `params.<in>`)',
  },
  'request-path-parameter-renamed': {
    level: 'breaking',
    when: 'a path parameter was renamed (`/things/{id}` -> `/things/{thingId}`; `params.path` keys change)',
  },
  // Request body
  'request-body-required-added': { level: 'breaking', when: 'a new required request body' },
  'request-body-added': { level: 'info', when: 'a new optional request body' },
  'request-body-removed': { level: 'breaking', when: 'the request body is gone' },
  'request-body-became-required': { level: 'breaking', when: 'the body became required' },
  'request-body-became-optional': { level: 'info', when: 'the body became optional' },
  'request-media-type-removed': { level: 'breaking', when: 'a request media type is gone' },
  'request-media-type-added': { level: 'info', when: 'a new request media type' },
  // Request schemas (parameters and body): what the server now accepts from us
  'request-property-removed': {
    level: 'breaking',
    when: 'a body property is gone (object literals fail excess-property checks)',
  },
  'request-property-required-added': { level: 'breaking', when: 'a new required body property' },
  'request-property-added': { level: 'info', when: 'a new optional body property' },
  'request-property-became-required': {
    level: 'breaking',
    when: 'an optional body property became required',
  },
  'request-property-became-optional': {
    level: 'info',
    when: 'a required body property became optional',
  },
  'request-type-changed': {
    level: 'breaking',
    when: 'a sent value’s type changed or lost a type (incl. no longer nullable)',
  },
  'request-type-widened': {
    level: 'info',
    when: 'a sent value accepts more types (incl. became nullable)',
  },
  'request-format-changed': { level: 'breaking', when: 'a sent string’s `format` changed' },
  'request-enum-value-removed': {
    level: 'breaking',
    when: 'an enum value we may send is gone (or an enum was introduced)',
  },
  'request-enum-value-added': { level: 'info', when: 'a sent enum accepts a new value' },
  'request-pattern-changed': {
    level: 'breaking',
    when: 'a `pattern` was added or changed (treated as narrowed; two that list their values are compared as enums)',
  },
  'request-maximum-lowered': {
    level: 'breaking',
    when: '`maximum`/`exclusiveMaximum` lowered or added',
  },
  'request-minimum-raised': {
    level: 'breaking',
    when: '`minimum`/`exclusiveMinimum` raised or added',
  },
  'request-max-length-lowered': { level: 'breaking', when: '`maxLength` lowered or added' },
  'request-min-length-raised': { level: 'breaking', when: '`minLength` raised or added' },
  'request-max-items-lowered': { level: 'breaking', when: '`maxItems` lowered or added' },
  'request-min-items-raised': { level: 'breaking', when: '`minItems` raised or added' },
  'request-constraint-tightened': {
    level: 'breaking',
    when: 'another constraint tightened (`multipleOf`, `uniqueItems`, `min/maxProperties`)',
  },
  'request-constraint-loosened': {
    level: 'info',
    when: 'a constraint was loosened or removed (incl. `pattern`)',
  },
  'request-additional-properties-narrowed': {
    level: 'breaking',
    when: 'a sent object accepts fewer extra keys: `additionalProperties` became `false` (the server rejects them), or the index signature narrowed (`true` -> a schema) or went (-> absent)',
  },
  'request-additional-properties-widened': {
    level: 'info',
    when: 'a sent object accepts more extra keys (`additionalProperties` loosened)',
  },
  'request-discriminator-value-removed': {
    level: 'breaking',
    when: 'a discriminator tag value we may send is gone (the tag’s literal type loses it)',
  },
  'request-discriminator-value-added': { level: 'info', when: 'a new discriminator tag value' },
  'request-variant-removed': { level: 'breaking', when: 'an `anyOf`/`oneOf` branch is gone' },
  'request-variant-added': { level: 'info', when: 'a new `anyOf`/`oneOf` branch' },
  // Responses: what we now receive
  'response-success-status-removed': { level: 'breaking', when: 'a 2xx status is gone' },
  'response-status-removed': { level: 'info', when: 'a non-2xx status is gone' },
  'response-status-added': { level: 'info', when: 'a new status code' },
  'response-success-media-type-removed': {
    level: 'breaking',
    when: 'a 2xx response media type is gone',
  },
  'response-media-type-removed': { level: 'info', when: 'a non-2xx response media type is gone' },
  'response-media-type-added': { level: 'info', when: 'a new response media type' },
  'response-header-removed': {
    level: 'breaking',
    when: 'a documented response header is gone (any status; its schema is judged by the response rules below)',
  },
  'response-header-added': { level: 'info', when: 'a new response header, optional or required' },
  'response-header-became-optional': {
    level: 'breaking',
    when: 'a required response header became optional (`T` -> `T | undefined`)',
  },
  'response-header-became-required': {
    level: 'info',
    when: 'an optional response header became required',
  },
  'response-property-removed': { level: 'breaking', when: 'a response property is gone' },
  'response-property-became-optional': {
    level: 'breaking',
    when: 'a required response property became optional (`T` -> `T | undefined`)',
  },
  'response-property-added': {
    level: 'info',
    when: 'a new response property, optional or required',
  },
  'response-property-became-required': {
    level: 'info',
    when: 'an optional response property became required',
  },
  'response-type-changed': {
    level: 'breaking',
    when: 'a received value’s type (body or response header) changed or widened',
  },
  'response-became-nullable': { level: 'breaking', when: 'a received value can now be `null`' },
  'response-type-narrowed': {
    level: 'info',
    when: 'a received value has fewer possible types (incl. no longer nullable)',
  },
  'response-enum-value-added': {
    level: 'warning',
    when: 'a received enum has a new value (an exhaustive `switch` misses it)',
  },
  'response-enum-value-removed': {
    level: 'breaking',
    when: 'a received enum lost a value (a `case` or `===` for it no longer compiles: the literal union lost it)',
  },
  'response-variant-added': {
    level: 'breaking',
    when: 'a new `anyOf`/`oneOf` branch in what we receive',
  },
  'response-variant-removed': { level: 'info', when: 'an `anyOf`/`oneOf` branch is gone' },
  'response-additional-properties-widened': {
    level: 'warning',
    when: 'a received object may carry new keys (`additionalProperties: false` lifted, or an index signature gained): it compiles, but code handling every key meets new ones',
  },
  'response-additional-properties-narrowed': {
    level: 'info',
    when: 'fewer extra keys may arrive (`additionalProperties` became `false`, or `true` -> a schema)',
  },
  'response-index-signature-removed': {
    level: 'breaking',
    when: 'a received object’s `additionalProperties` (`true`, `{}` or a schema) went to absent or `false`: its `[key: string]` index signature is gone, so reading extra keys stops compiling',
  },
  'response-discriminator-value-added': {
    level: 'warning',
    when: 'a received discriminator has a new tag value (an exhaustive `switch` misses it)',
  },
  'response-discriminator-value-removed': {
    level: 'breaking',
    when: 'a received discriminator tag value is gone (a `case` for it no longer compiles: the tag’s literal union lost it)',
  },
  'response-property-became-write-only': {
    level: 'breaking',
    when: 'a received property became `writeOnly`: the server stops returning it, but openapi-typescript ignores `writeOnly` (`readWriteMarkers` off in scripts/pipeline/typegen.ts), so the type still promises it',
  },
  'response-constraint-changed': {
    level: 'info',
    when: 'a constraint or `format` on a received value changed',
  },
  // Schemas, either direction
  'discriminator-property-changed': {
    level: 'breaking',
    when: 'a discriminator’s `propertyName` changed, or a discriminator was added or removed (the tag literals openapi-typescript injects change)',
  },
  'property-became-read-only': {
    level: 'breaking',
    when: 'a property became `readOnly`: the generated type marks it `readonly` (assignments stop compiling); in a request the server may also ignore or reject it, which the type still lets us send',
  },
  'property-no-longer-read-only': { level: 'info', when: '`readOnly` was cleared' },
  'write-only-changed': {
    level: 'info',
    when: '`writeOnly` set on a sent property or cleared anywhere (the generated type does not change)',
  },
  // Security
  'security-scheme-removed': { level: 'breaking', when: 'a security scheme we use is gone' },
  'security-scheme-type-changed': {
    level: 'breaking',
    when: 'a scheme’s `type` or HTTP `scheme` changed',
  },
  'security-api-key-name-changed': {
    level: 'breaking',
    when: 'an API key’s header/query/cookie name changed',
  },
  'security-api-key-location-changed': {
    level: 'breaking',
    when: 'an API key moved (`in`: header/query/cookie)',
  },
  'security-requirement-removed': {
    level: 'breaking',
    when: 'a way we authenticate is no longer accepted',
  },
  'security-requirement-added': {
    level: 'breaking',
    when: 'an operation that needed no authentication now needs it',
  },
  'security-alternative-added': { level: 'info', when: 'a new way to authenticate' },
  // Documentation and metadata
  'description-changed': { level: 'info', when: 'a `description` changed' },
  'summary-changed': { level: 'info', when: 'a `summary` changed' },
  'title-changed': { level: 'info', when: 'a schema `title` changed' },
  'example-changed': { level: 'info', when: 'an `example`/`examples` changed' },
  'default-changed': { level: 'info', when: 'a `default` changed' },
  'deprecation-changed': { level: 'info', when: '`deprecated` was set or cleared' },
  'info-version-changed': { level: 'info', when: '`info.version` changed' },
  'server-removed': {
    level: 'warning',
    when: 'a server URL is gone (the client defaults to the first)',
  },
  'server-added': { level: 'info', when: 'a new server URL' },
} as const satisfies Record<string, RuleDefinition>;

/** A stable rule name, as it appears in the JSON report's `id`. */
export type DriftRuleId = keyof typeof DRIFT_RULES;
