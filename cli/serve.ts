// `thongke serve [--port 8080]`: the published sites on localhost, for looking at them and for the
// SQL console (a worker and WebAssembly need http, not file://). Static files only; a path that
// leaves the site folder is refused.
import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { thongkeHome } from '../warehouse/home.js';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.parquet': 'application/vnd.apache.parquet',
};

/** The file a request path names under root, or null when it would leave root. */
export function resolveRequest(root: string, url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  return file === base || file.startsWith(base + sep) ? file : null;
}

export function serveSite(root: string): Server {
  return createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      let file = resolveRequest(root, req.url ?? '/');
      if (!file) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Không được phép.\n');
        return;
      }
      let st = await stat(file).catch(() => null);
      if (st?.isDirectory()) {
        file = join(file, 'index.html');
        st = await stat(file).catch(() => null);
      }
      if (!st?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Không có trang này.\n');
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': st.size,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    })();
  });
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '8080' } } });
  const root = join(thongkeHome(), 'site');
  const server = serveSite(root);
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(Number(values.port), '127.0.0.1', () => res());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  process.stderr.write(`Đang phục vụ ${root} tại http://127.0.0.1:${port}/ — Ctrl-C để dừng.\n`);
  await new Promise<void>((res) => {
    process.once('SIGINT', () => res());
    process.once('SIGTERM', () => res());
  });
  await new Promise<void>((res) => server.close(() => res()));
  return 0;
}
