import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { splitDocument } from './scripts/lib/split-document.ts';
const require = createRequire(import.meta.url);
const jsyaml = require('./node_modules/@redocly/openapi-core/node_modules/js-yaml');
const whole = JSON.parse(readFileSync('/work/wt/shared/feather-api/openapi-1.21.0.json','utf8'));
const pages = splitDocument(whole);
for (const id of ['getIntegrationDashboard','getToolReliabilityTimeoutAnalysis']) {
  const p = pages.find(p=>p.operationId===id)!;
  for (const opts of [{}, {noRefs:true}, {noRefs:true, lineWidth:80}]) {
  const out = jsyaml.dump(p.doc, opts);
  const seed = readFileSync(`spec/${id}.yaml`,'utf8');
  console.log(id, JSON.stringify(opts), out === seed, out.length, seed.length);
  if (out !== seed) { const a=out.split('\n'), b=seed.split('\n'); for (let i=0;i<a.length;i++) if (a[i]!==b[i]) { console.log(i, JSON.stringify(a[i]), JSON.stringify(b[i])); break; } }
  }
}
