/**
 * openapi-fetch 0.17's serializers (`createQuerySerializer`, `serializeArrayParam`,
 * `serializeObjectParam`, `serializePrimitiveParam`, `mergeHeaders`, `defaultBodySerializer`),
 * the same output for the same input (test/client/transport/serialize.test.ts holds them to openapi-fetch's own).
 * Ours, not imported: a bundle that calls only operation functions then holds none of
 * openapi-fetch (docs/performance.md), whose module a bundler cannot split by export.
 */

/** openapi-fetch's `QuerySerializerOptions`. */
export interface QueryStyleOptions {
  array?: { style: 'form' | 'spaceDelimited' | 'pipeDelimited'; explode: boolean };
  object?: { style: 'form' | 'deepObject'; explode: boolean };
  allowReserved?: boolean;
}

interface ParamStyle {
  style: string;
  explode?: boolean;
  allowReserved?: boolean;
}

const OBJECT_JOINERS: Record<string, string> = { simple: ',', label: '.', matrix: ';' };
const ARRAY_JOINERS: Record<string, string> = {
  form: ',',
  spaceDelimited: '%20',
  pipeDelimited: '|',
};

/** `name=value`, the value encoded unless `allowReserved`; `''` for null or undefined. */
export function serializePrimitiveParam(
  name: string,
  value: unknown,
  options?: { allowReserved?: boolean },
): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    throw new Error(
      'Deeply-nested arrays/objects aren\u2019t supported. Provide your own `querySerializer()` to handle these.',
    );
  }
  return `${name}=${options?.allowReserved === true ? String(value) : encodeURIComponent(value as string)}`;
}

/** An object parameter in `options.style` (`deepObject`, `form`, `simple`, `label`, `matrix`). */
export function serializeObjectParam(name: string, value: unknown, options: ParamStyle): string {
  if (!value || typeof value !== 'object') return '';
  const object = value as Record<string, unknown>;
  const values: string[] = [];
  const joiner = OBJECT_JOINERS[options.style] ?? '&';
  if (options.style !== 'deepObject' && options.explode === false) {
    for (const k in object) {
      values.push(
        k,
        options.allowReserved === true
          ? (object[k] as string)
          : encodeURIComponent(object[k] as string),
      );
    }
    const final = values.join(',');
    switch (options.style) {
      case 'form':
        return `${name}=${final}`;
      case 'label':
        return `.${final}`;
      case 'matrix':
        return `;${name}=${final}`;
      default:
        return final;
    }
  }
  for (const k in object) {
    const finalName = options.style === 'deepObject' ? `${name}[${k}]` : k;
    values.push(serializePrimitiveParam(finalName, object[k], options));
  }
  const final = values.join(joiner);
  return options.style === 'label' || options.style === 'matrix' ? `${joiner}${final}` : final;
}

/** An array parameter in `options.style` (`form`, `spaceDelimited`, `pipeDelimited`, `simple`, ...). */
export function serializeArrayParam(name: string, value: unknown, options: ParamStyle): string {
  if (!Array.isArray(value)) return '';
  if (options.explode === false) {
    const joiner = ARRAY_JOINERS[options.style] ?? ',';
    const final = (
      options.allowReserved === true ? value : value.map((v) => encodeURIComponent(v as string))
    ).join(joiner);
    switch (options.style) {
      case 'simple':
        return final;
      case 'label':
        return `.${final}`;
      case 'matrix':
        return `;${name}=${final}`;
      default:
        return `${name}=${final}`;
    }
  }
  const joiner = OBJECT_JOINERS[options.style] ?? '&';
  const values: string[] = [];
  for (const v of value) {
    if (options.style === 'simple' || options.style === 'label') {
      values.push(options.allowReserved === true ? (v as string) : encodeURIComponent(v as string));
    } else {
      values.push(serializePrimitiveParam(name, v, options));
    }
  }
  return options.style === 'label' || options.style === 'matrix'
    ? `${joiner}${values.join(joiner)}`
    : values.join(joiner);
}

/** openapi-fetch's default query serializer, under `options`. */
export function createQuerySerializer(
  options?: QueryStyleOptions,
): (query: Record<string, unknown>) => string {
  const allowReserved = options?.allowReserved || false;
  const arrayStyle = { style: 'form', explode: true, ...options?.array, allowReserved };
  const objectStyle = { style: 'deepObject', explode: true, ...options?.object, allowReserved };
  return (query) => {
    const search: string[] = [];
    if (query && typeof query === 'object') {
      for (const name in query) {
        const value = query[name];
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) {
          if (value.length === 0) continue;
          search.push(serializeArrayParam(name, value, arrayStyle));
        } else if (typeof value === 'object') {
          search.push(serializeObjectParam(name, value, objectStyle));
        } else search.push(serializePrimitiveParam(name, value, options));
      }
    }
    return search.join('&');
  };
}

/** Headers from each source in turn: a `null` value removes a header, an array appends each. */
export function mergeHeaders(...sources: unknown[]): Headers {
  const headers = new Headers();
  for (const source of sources) {
    if (!source || typeof source !== 'object') continue;
    const entries =
      source instanceof Headers
        ? source.entries()
        : Object.entries(source as Record<string, unknown>);
    for (const [name, value] of entries as Iterable<[string, unknown]>) {
      if (value === null) headers.delete(name);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item as string);
      else if (value !== undefined) headers.set(name, value as string);
    }
  }
  return headers;
}

/** A FormData as is, a form-urlencoded Content-Type's URLSearchParams, else JSON. */
export function defaultBodySerializer(body: unknown, headers: Headers): unknown {
  if (body instanceof FormData) return body;
  if (headers.get('Content-Type') === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return JSON.stringify(body);
}

/** `url` without one trailing slash. */
export function removeTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.substring(0, url.length - 1) : url;
}
