/**
 * One parameter's checks, compiled from the spec by scripts/pipeline/parameter-rules.ts into
 * generated/parameters.ts and checked by src/client/policy/validate.ts before a request is sent. Declared here
 * once, for both: the pipeline builds values of it, the generated table is typed by it.
 */
export interface ParameterRule {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  /** JSON types accepted (`string`, `integer`, `number`, `boolean`, `array`, `object`, `null`). */
  types?: readonly string[];
  enum?: readonly unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  /** Checks for each item when the parameter is an array. */
  items?: Omit<ParameterRule, 'name' | 'in' | 'required'>;
}
