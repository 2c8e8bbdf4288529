/** Formats generated TypeScript with prettier, using the repository's prettier config. */
import * as prettier from 'prettier';

/** Formats each `.ts` file's text; other files pass through unchanged. */
export async function formatGenerated(
  files: Map<string, string>,
  configFile: string,
): Promise<number> {
  const options = (await prettier.resolveConfig(configFile)) ?? {};
  let formatted = 0;
  for (const [name, text] of files) {
    if (!name.endsWith('.ts')) continue;
    files.set(name, await prettier.format(text, { ...options, parser: 'typescript' }));
    formatted++;
  }
  return formatted;
}
