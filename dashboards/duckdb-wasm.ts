// DuckDB-WASM for the analyst site's SQL console, copied from the npm package into the site at
// build time (no CDN): the browser module, the worker and the wasm of the "eh" bundle (WebAssembly
// exceptions: every current Chromium, Firefox and Safari). The module imports apache-arrow by its
// bare name; an import map points that at arrow.mjs, written here from the Arrow UMD build the
// package depends on, with its exports named at build time.
//
// Parquet: DuckDB-WASM 1.32 (DuckDB 1.4) links no Parquet reader in any of its bundles (mvp, eh,
// coi: only core_functions is built in) and the npm package ships no extension file; `read_parquet`
// makes it fetch parquet.duckdb_extension.wasm from extensions.duckdb.org. That signed file is in
// no package registry, so the site cannot serve it from a custom_extension_repository of its own.
// The console therefore reads the published Parquet with parquet-wasm (the Rust Parquet reader,
// MIT/Apache-2.0, from npm) into Arrow IPC and hands that to DuckDB (insertArrowFromIPCStream,
// which is built in): the Parquet files themselves, offline, with their column types.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';

const require = createRequire(import.meta.url);

export const DUCKDB_FILES = ['duckdb-browser.mjs', 'duckdb-browser-eh.worker.js', 'duckdb-eh.wasm'] as const;

/** The import map a page using duckdb/duckdb-browser.mjs needs. */
export const DUCKDB_IMPORT_MAP = '\n<script type="importmap">{"imports":{"apache-arrow":"./duckdb/arrow.mjs"}}</script>';

/** The Arrow that @duckdb/duckdb-wasm resolves (its own copy, else the project's), as node would find it. */
function arrowUmdPath(duckdbDist: string): string {
  for (let dir = join(duckdbDist, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'apache-arrow', 'Arrow.es2015.min.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('apache-arrow (Arrow.es2015.min.js) not found beside @duckdb/duckdb-wasm');
  }
}

/** An ES module exporting every name of the Arrow UMD bundle. */
export function arrowModule(umd: string): string {
  const sandbox: { Arrow?: Record<string, unknown>; TextDecoder: typeof TextDecoder; TextEncoder: typeof TextEncoder } = { TextDecoder, TextEncoder };
  runInNewContext(umd, sandbox);
  const names = Object.keys(sandbox.Arrow ?? {}).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default').sort();
  if (!names.includes('Table')) throw new Error('apache-arrow UMD build: no Table export');
  return `// apache-arrow (Apache-2.0), its UMD build wrapped as an ES module for DuckDB-WASM.
const scope = {};
(function () {
${umd.replace(/\/\/# sourceMappingURL=.*$/m, '')}
}).call(scope);
const A = scope.Arrow;
${names.map((n) => `export const ${n} = A.${n};`).join('\n')}
`;
}

/** parquet-wasm's browser build (an ES module and its wasm), copied into <dir>/duckdb/. */
export const PARQUET_WASM_FILES = ['parquet_wasm.js', 'parquet_wasm_bg.wasm'] as const;

/** Copy DuckDB-WASM and parquet-wasm into <dir>/duckdb/. */
export async function vendorDuckdbWasm(dir: string): Promise<void> {
  const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-browser.mjs'));
  const out = join(dir, 'duckdb');
  await mkdir(out, { recursive: true });
  for (const f of DUCKDB_FILES) await copyFile(join(dist, f), join(out, f));
  const strip = async (f: string) => writeFile(join(out, f), (await readFile(join(out, f), 'utf8')).replace(/\/\/# sourceMappingURL=\S+/g, ''));
  await strip('duckdb-browser.mjs');
  await strip('duckdb-browser-eh.worker.js');
  await writeFile(join(out, 'arrow.mjs'), arrowModule(await readFile(arrowUmdPath(dist), 'utf8')));
  const parquet = dirname(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'));
  for (const f of PARQUET_WASM_FILES) await copyFile(join(parquet, f), join(out, f));
  await writeFile(join(out, 'LICENSES.txt'), 'duckdb-browser.mjs, duckdb-browser-eh.worker.js, duckdb-eh.wasm: @duckdb/duckdb-wasm, MIT licence (https://github.com/duckdb/duckdb-wasm).\narrow.mjs: apache-arrow, Apache License 2.0 (https://arrow.apache.org).\nparquet_wasm.js, parquet_wasm_bg.wasm: parquet-wasm, MIT or Apache License 2.0 (https://github.com/kylebarron/parquet-wasm).\n');
}
