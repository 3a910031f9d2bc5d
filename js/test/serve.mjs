// A tiny static file server for the repository, on 127.0.0.1 and a free port, for the browser
// tests and the widget screenshot. A page's `node_modules/arrears/` is served from js/: in the
// repository the package is js/ itself, where a user's copy has it installed by npm. With `csp`,
// every response carries that Content-Security-Policy.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };

export function serve({ csp } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const local = path.replace(/^.*\/node_modules\/arrears\//, '/js/');
    const file = join(root, local.endsWith('/') ? join(local, 'index.html') : local);
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        ...(csp ? { 'content-security-policy': csp } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}
