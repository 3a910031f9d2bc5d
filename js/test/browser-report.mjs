// The conformance corpus through the npm package inside headless Chromium: every case decided
// (or, a plan case, planned) by the page, one JSON line of output each for `arrears corpus check`
// (scripts/conformance.sh), which checks every surface's outputs the same way.
//   node js/test/browser-report.mjs [CORPUS_DIR]    (or ARREARS_CORPUS=DIR)
import { fileURLToPath } from 'node:url';
import { corpusCases } from './corpus-report.mjs';
import { outputLines } from '../../tests/conformance/corpus.mjs';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

/** The corpus's cases and what the page gives for each, in the same order. */
export async function browserCorpus(root) {
  const { server, url } = await serve();
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/examples/crm-widget/`);
    const cases = corpusCases(root);
    const outputs = await page.evaluate(async (cases) => {
      const { Engine } = await import('/js/dist/browser.js');
      return cases.map((c) => {
        try {
          const engine = new Engine(c.policy);
          return c.planDays === null ? engine.decideJson(c.caseText) : engine.planJson(c.caseText, c.planDays);
        } catch (e) {
          return JSON.stringify(e);
        }
      });
    }, cases.map(({ policy, caseText, planDays }) => ({ policy, caseText, planDays })));
    return { cases, outputs };
  } finally {
    await context.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { cases, outputs } = await browserCorpus(process.argv[2] ?? undefined);
  process.stdout.write(outputLines('wasm-bindgen (Chromium)', cases, outputs));
}
