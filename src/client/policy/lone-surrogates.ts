/**
 * The breaches behind a URIError of a query serializer (src/client/client.ts imports this module
 * when one is thrown, not with the client: the checks that run on every call are in
 * policy/validate.ts).
 */
import { LONE_SURROGATE_RE, type ParameterBreach, type RequestParams } from './validate.ts';

/**
 * The breaches behind a URIError of openapi-fetch's serializers: the query values and names
 * with a lone surrogate (path values are checked before). Looked for only once one was thrown.
 */
export function loneSurrogateBreaches(params: RequestParams | undefined): ParameterBreach[] {
  const breaches: ParameterBreach[] = [];
  const query = params?.query ?? {};
  for (const name of Object.keys(query)) {
    const value = query[name];
    const texts = [name, ...(Array.isArray(value) ? value : [value])];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) texts.push(key, item);
    }
    if (texts.some((text) => typeof text === 'string' && LONE_SURROGATE_RE.test(text))) {
      breaches.push({ in: 'query', name, kind: 'unsafe', unsafe: 'lone-surrogate', value });
    }
  }
  return breaches;
}
