// The unzip-only floor: node bench/ingest/floor.mjs LIST
// For each workbook, open the zip with yauzl (as thongke's reader does) and inflate the data
// sheet's XML (xl/worksheets/sheet1.xml) and xl/sharedStrings.xml with node's zlib, discarding
// the bytes: the cost of getting the bytes any reader needs, one file after another. One JSON line.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import yauzl from 'yauzl';

const list = process.argv[2];
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const wanted = new Set(['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml']);

function inflateParts(path) {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return reject(err);
      let bytes = 0;
      zip.on('error', reject);
      zip.on('end', () => resolve(bytes));
      zip.on('entry', (entry) => {
        if (!wanted.has(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          stream.on('data', (c) => (bytes += c.length));
          stream.on('error', reject);
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

const t0 = performance.now();
let bytes = 0;
for (const f of files) bytes += await inflateParts(f);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ tool: 'unzip-floor', files: files.length, seconds, inflatedBytes: bytes }));
