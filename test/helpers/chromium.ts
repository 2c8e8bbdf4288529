/**
 * Headless Chromium (Debian's `chromium` package, installed by .ci/run) driven by playwright-core,
 * with a fresh profile and every request that is not `file:`/`data:` blocked and recorded.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Override with CHROMIUM_PATH where Chromium lives elsewhere (macOS, a snap). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** No GPU, no QUIC, no background or sync traffic: the page under test is the only thing loading. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why the browser tests cannot run here, or `undefined` when they can. Without Chromium they are
 * skipped (a fresh clone needs only Node and npm), unless FEATHER_REQUIRE_CHROMIUM is set, as
 * .ci/run sets it: there a missing browser fails them.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env['FEATHER_REQUIRE_CHROMIUM']) return undefined;
  return `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export interface OfflineBrowser {
  page: Page;
  /** Requests the page tried to make outside the file system, blocked: `resourceType url`. */
  blocked: string[];
  /** Uncaught exceptions thrown in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openOfflineBrowser(): Promise<OfflineBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; ` +
        '.ci/run does it) or set CHROMIUM_PATH',
    );
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'feather-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  await page.route('**/*', (route) => {
    const request = route.request();
    if (/^(file|data|blob):/.test(request.url())) return route.continue();
    blocked.push(`${request.resourceType()} ${request.url()}`);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return {
    page,
    blocked,
    pageErrors,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
