// Saves examples/crm-widget/screenshot.png: the widget on a sample account, as a person sees it.
import { fileURLToPath } from 'node:url';
import { serve } from '../test/serve.mjs';
import { launch } from '../test/browser.mjs';

const sample = process.argv[2] ?? 'cn-spring-festival.json';
const { server, url } = await serve();
const context = await launch();
const page = await context.newPage();
await page.setViewportSize({ width: 980, height: 1200 });
await page.goto(`${url}/examples/crm-widget/?sample=${sample}`);
await page.waitForSelector('body[data-ready="true"]');
const out = fileURLToPath(new URL('../../examples/crm-widget/screenshot.png', import.meta.url));
await page.locator('.panel').screenshot({ path: out });
await context.close();
server.close();
console.log(`saved ${out}`);
