// The conformance corpus through the npm package inside headless Chromium: every case decided
// (or, a plan case, planned) by the page, and its output checked in Node like every surface's
// (masked bytes, digest, claims).
// One JSON summary line for scripts/conformance.sh.
//   node js/test/browser-report.mjs [CORPUS_DIR]    (or ARREARS_CORPUS=DIR)
import { fileURLToPath } from 'node:url';
import { corpusCases } from './corpus-report.mjs';
import { summary } from '../../tests/conformance/claims.mjs';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

export async function browserCorpus(root) {
  const { server, url } = await serve();
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/examples/crm-widget/`);
    const cases = corpusCases(root);
    const outputs = await page.evaluate(async (cases) => {
      const { Engine, loadPack, builtinPolicies } = await import('/js/dist/browser.js');
      // A page fetches the built-in packs it names (only the default one comes with the module).
      const packs = builtinPolicies();
      await Promise.all([...new Set(cases.map((c) => c.policy))].filter((p) => packs.includes(p)).map(loadPack));
      return cases.map((c) => {
        try {
          const engine = new Engine(c.policy);
          return c.planDays === null ? engine.decideJson(c.caseText) : engine.planJson(c.caseText, c.planDays);
        } catch (e) {
          return JSON.stringify(e);
        }
      });
    }, cases.map(({ policy, caseText, planDays }) => ({ policy, caseText, planDays })));
    return summary('wasm-bindgen (Chromium)', cases, outputs);
  } finally {
    await context.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const line = await browserCorpus(process.argv[2] ?? undefined);
  console.log(JSON.stringify(line));
  process.exit(line.differ.length || line.failed_claims.length ? 1 : 0);
}
