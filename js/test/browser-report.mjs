// The conformance corpus through the npm package inside headless Chromium: every case decided by
// the page, compared with the native bytes. One JSON summary line for scripts/conformance.sh.
import { corpusCases } from './corpus-report.mjs';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

export async function browserCorpus() {
  const { server, url } = await serve();
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/examples/crm-widget/`);
    const cases = corpusCases();
    const outputs = await page.evaluate(async (cases) => {
      const { Engine } = await import('/js/dist/browser.js');
      return cases.map((c) => {
        try {
          return new Engine(c.policy).decideJson(c.caseText);
        } catch (e) {
          return JSON.stringify(e);
        }
      });
    }, cases.map(({ policy, caseText }) => ({ policy, caseText })));
    const differ = cases.filter((c, i) => outputs[i] + '\n' !== c.expected).map((c) => c.name);
    return { surface: 'wasm-bindgen (Chromium)', cases: cases.length, identical: cases.length - differ.length, differ };
  } finally {
    await context.close();
    server.close();
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(JSON.stringify(await browserCorpus()));
}
