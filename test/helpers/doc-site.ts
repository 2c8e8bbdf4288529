/**
 * Feather's documentation site in miniature, built from the shared whole API and served on
 * 127.0.0.1: `/llms.txt` (the index), one `/api-reference/<tag>/<slug>.md` page per operation
 * with its OpenAPI block (the page-shaped document, `yaml`-stringified), a few guide pages
 * without one, and the whole `/api-reference/openapi.json`. Latency and transient failures can
 * be added per request. Nothing is mocked: ingest talks to it over TCP.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { splitDocument, type OperationDocument } from '../../scripts/lib/split-document.ts';
import { wholeApiFile, type Release } from './feather-api.ts';

export interface DocSitePage extends OperationDocument {
  /** Path on the site (`/api-reference/analytics/get-integration-dashboard.md`). */
  pathname: string;
  /** The page's text (built on first use: stringifying 617 documents takes seconds). */
  markdown(): string;
}

/** What to do with the `hit`-th request (1-based) for `pathname`, instead of answering. */
export type Fault = (pathname: string, hit: number) => number | 'reset' | undefined;

export interface DocSiteBehaviour {
  /** Added before answering each `.md` page. @default 0 */
  latencyMs: number;
  fault?: Fault;
}

export interface DocSite {
  url: string;
  indexUrl: string;
  openapiUrl: string;
  pages: DocSitePage[];
  /** Paths of the pages without an OpenAPI block that the index lists. */
  guides: string[];
  /** Change between runs. */
  behaviour: DocSiteBehaviour;
  /** Requests per path so far. */
  hits: Map<string, number>;
  /** Most requests in flight at once so far. */
  maxInFlight: number;
  resetCounters(): void;
  close(): Promise<void>;
}

const kebab = (text: string): string =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

const GUIDES: Record<string, string> = {
  '/guides/quickstart.md':
    '# Quickstart\n\nCall the API:\n\n```sh\ncurl -H "x-api-key: $KEY" https://api-sandbox.featherhq.com/v1/health\n```\n\n```json\n{ "status": "ok" }\n```\n',
  '/concepts/sessions.md': '# Sessions\n\nA session is one conversation.\n',
  '/api-reference/introduction.md':
    '# API reference\n\nEvery endpoint has a page.\n\n```yaml\nbase_url: https://api-sandbox.featherhq.com\n```\n',
};

function pageMarkdown(page: OperationDocument, base: string): string {
  const operation = (page.doc.paths as Record<string, Record<string, Record<string, unknown>>>)[
    page.path
  ]![page.method]!;
  return [
    '> ## Documentation Index',
    `> Fetch the complete documentation index at: ${base}/llms.txt`,
    '> Use this file to discover all available pages before exploring further.',
    '',
    `# ${String(operation.summary ?? page.operationId)}`,
    '',
    '## OpenAPI',
    '',
    `\`\`\`\`yaml /api-reference/openapi.json ${page.method} ${page.path}`,
    stringify(page.doc).trimEnd(),
    '````',
    '',
  ].join('\n');
}

/** Starts the site for `release` on a free port. */
export async function startDocSite(
  release: Release,
  behaviour: Partial<DocSiteBehaviour> = {},
  /** Which operations get a page (all by default); openapi.json stays whole. */
  only: (page: OperationDocument) => boolean = () => true,
): Promise<DocSite> {
  const wholeText = await readFile(wholeApiFile(release), 'utf8');
  const split = splitDocument(JSON.parse(wholeText) as Record<string, unknown>).filter(only);
  const files = new Map<string, string | (() => string)>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pages: DocSitePage[] = split.map((page) => {
    const pathname = `/api-reference/${kebab(page.tag ?? 'untagged')}/${kebab(page.operationId)}.md`;
    let markdown: string | undefined;
    return { ...page, pathname, markdown: () => (markdown ??= pageMarkdown(page, url)) };
  });
  const index = [
    '# Feather',
    '',
    '> Feather is a unified customer experience platform.',
    '',
    '## Docs',
    '',
    `- [Quickstart](${url}/guides/quickstart.md): Make your first call`,
    `- [Sessions](${url}/concepts/sessions.md)`,
    `- [API reference](${url}/api-reference/introduction.md): How the reference is organised`,
    '',
    '## API Reference',
    '',
    ...pages.map((page) => {
      const summary = (page.doc.paths as Record<string, Record<string, { summary?: string }>>)[
        page.path
      ]![page.method]!.summary;
      return `- [${summary ?? page.operationId}](${url}${page.pathname}): ${page.method.toUpperCase()} ${page.path}`;
    }),
    '',
  ].join('\n');
  files.set('/llms.txt', index);
  files.set('/api-reference/openapi.json', wholeText);
  for (const [pathname, markdown] of Object.entries(GUIDES)) files.set(pathname, markdown);
  for (const page of pages) files.set(page.pathname, page.markdown);

  const site: DocSite = {
    url,
    indexUrl: `${url}/llms.txt`,
    openapiUrl: `${url}/api-reference/openapi.json`,
    pages,
    guides: Object.keys(GUIDES),
    behaviour: { latencyMs: 0, ...behaviour },
    hits: new Map(),
    maxInFlight: 0,
    resetCounters() {
      site.hits.clear();
      site.maxInFlight = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  let inFlight = 0;
  server.on('request', (request, response: ServerResponse) => {
    const pathname = new URL(request.url ?? '/', url).pathname;
    const hit = (site.hits.get(pathname) ?? 0) + 1;
    site.hits.set(pathname, hit);
    inFlight++;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    response.on('close', () => inFlight--);
    const fault = site.behaviour.fault?.(pathname, hit);
    if (fault === 'reset') {
      request.socket.destroy();
      return;
    }
    const send = (): void => {
      const file = files.get(pathname);
      const body = fault ?? (typeof file === 'function' ? file() : file);
      if (typeof body === 'number' || body === undefined) {
        const status = body ?? 404;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`HTTP ${status}\n`);
        return;
      }
      const type = pathname.endsWith('.json') ? 'application/json' : 'text/markdown';
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
    };
    if (pathname.endsWith('.md') && site.behaviour.latencyMs > 0)
      setTimeout(send, site.behaviour.latencyMs);
    else send();
  });
  return site;
}
