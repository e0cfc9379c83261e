// Zip bundles (a Phòng's or commune's files sent as one .zip): unpacked safely into the lake. A
// member is never written under its own name (so "../" names cannot escape), sizes and ratios are
// checked before and during inflation (zip bombs), nested zips are opened up to a depth, and
// anything that is not a workbook is reported. Every member ends as a workbook to ingest or a
// rejection with its reason; the counts of the bundle add up.
import yauzl from 'yauzl';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, open } from 'node:fs/promises';
import { join, dirname, extname, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { lake, tempBeside } from '../../warehouse/lake.js';

export interface BundleLimits {
  maxMemberBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
  maxMembers: number;
  maxDepth: number;
}

export const BUNDLE_LIMITS: BundleLimits = {
  maxMemberBytes: 300 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
  maxMembers: 5000,
  maxDepth: 2,
};

export interface BundleMember {
  /** "<bundle>/<member>" as people see it */
  name: string;
  /** absolute path of the extracted copy (in the lake, by content hash) */
  path: string;
  sha256: string;
}

export interface BundleProblem {
  name: string;
  reason: string;
}

export interface ExpandedBundle {
  members: BundleMember[];
  problems: BundleProblem[];
  /** members skipped as noise (folders, __MACOSX, Thumbs.db, desktop.ini) */
  ignored: number;
}

const WORKBOOK = new Set(['.xlsx', '.xlsm']);

/**
 * True when a zip file is a bundle rather than an .xlsx (which is a zip too): the zip's central
 * directory, at its end, names xl/workbook.xml in a workbook and not in a bundle.
 */
export async function isBundle(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (size < 22 || head.readUInt32LE(0) !== 0x04034b50) return false;
    const len = Math.min(size, 1024 * 1024);
    const tail = Buffer.alloc(len);
    await fh.read(tail, 0, len, size - len);
    // (an OpenDocument spreadsheet is a zip too: its manifest says so, and the reader names it)
    return !tail.includes('xl/workbook.xml') && !tail.includes('[Content_Types].xml') && !tail.includes('META-INF/manifest.xml');
  } finally {
    await fh.close();
  }
}

function unsafeName(name: string): boolean {
  return name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

function noise(name: string): boolean {
  const b = basename(name).toLowerCase();
  return name.endsWith('/') || name.startsWith('__MACOSX/') || b === 'thumbs.db' || b === 'desktop.ini' || b === '.ds_store';
}

/**
 * Expand a bundle into lake/raw. Names with unsafe paths are refused by us (yauzl's own check is
 * off so that we can report them instead of failing the whole bundle).
 */
export async function expandBundle(path: string, home: string, label: string, limits = BUNDLE_LIMITS, depth = 1): Promise<ExpandedBundle> {
  const out: ExpandedBundle = { members: [], problems: [], ignored: 0 };
  let zip: yauzl.ZipFile;
  try {
    // names are decoded here (decodeStrings: false), so that a bad name is reported, not fatal
    zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (e, z) => (e ? rej(e) : res(z!))));
  } catch (e) {
    out.problems.push({ name: label, reason: `tệp nén bị hỏng hoặc không phải .zip, không mở được (${(e as Error).message})` });
    return out;
  }
  let total = 0;
  let count = 0;
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((res, rej) => {
    zip.on('entry', (e: yauzl.Entry) => {
      const raw = e.fileName as unknown as Buffer;
      // bit 11: the name is UTF-8; older tools wrote the local code page (read as UTF-8 where it can be)
      e.fileName = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => res());
    zip.on('error', rej);
    zip.readEntry();
  }).catch((e: unknown) => {
    out.problems.push({ name: label, reason: `tệp nén bị hỏng (${(e as Error).message})` });
  });
  try {
    for (const e of entries) {
      const name = `${label}/${e.fileName}`;
      if (noise(e.fileName)) {
        out.ignored++;
        continue;
      }
      if (++count > limits.maxMembers) {
        out.problems.push({ name, reason: `tệp nén có quá ${limits.maxMembers} tệp; phần còn lại không được mở` });
        break;
      }
      if (unsafeName(e.fileName)) {
        out.problems.push({ name, reason: 'tên tệp có đường dẫn không an toàn ("../" hoặc đường dẫn tuyệt đối), không được mở' });
        continue;
      }
      if ((e.generalPurposeBitFlag & 0x1) !== 0) {
        out.problems.push({ name, reason: 'tệp trong gói nén có đặt mật khẩu, không mở được; hãy nén lại không đặt mật khẩu' });
        continue;
      }
      const ext = extname(e.fileName).toLowerCase();
      const nested = ext === '.zip';
      if (!WORKBOOK.has(ext) && !nested) {
        out.problems.push({ name, reason: ext === '.xls'
          ? 'là tệp Excel 97–2003 (.xls); hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại'
          : `không phải tệp Excel (.xlsx) nên không được nạp${ext ? ` (đuôi ${ext})` : ''}` });
        continue;
      }
      const ratio = e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : 0;
      if (e.uncompressedSize > limits.maxMemberBytes || ratio > limits.maxRatio || total + e.uncompressedSize > limits.maxTotalBytes) {
        out.problems.push({ name, reason: `giải nén ra quá lớn (${Math.round(e.uncompressedSize / 1e6)} MB, tỷ lệ nén ${Math.round(ratio)}:1) — không mở, nghi là "zip bomb"` });
        continue;
      }
      total += e.uncompressedSize;
      const extracted = await extract(zip, e, home, limits);
      if ('reason' in extracted) {
        out.problems.push({ name, reason: extracted.reason });
        continue;
      }
      if (nested) {
        if (depth >= limits.maxDepth) {
          out.problems.push({ name, reason: `tệp nén lồng quá ${limits.maxDepth} tầng, không mở tiếp` });
          continue;
        }
        const inner = await expandBundle(extracted.path, home, name, limits, depth + 1);
        out.members.push(...inner.members);
        out.problems.push(...inner.problems);
        out.ignored += inner.ignored;
        continue;
      }
      out.members.push({ name, path: extracted.path, sha256: extracted.sha256 });
    }
  } finally {
    zip.close();
  }
  return out;
}

/** Inflate one member into lake/raw/<sha256><ext>, counting bytes as they come (sizes in the header can lie). */
async function extract(zip: yauzl.ZipFile, e: yauzl.Entry, home: string, limits: BundleLimits): Promise<{ path: string; sha256: string } | { reason: string }> {
  const tmp = tempBeside(join(home, 'lake', 'raw', 'member'));
  await mkdir(dirname(tmp), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > limits.maxMemberBytes) return cb(new Error('member larger than its header says'));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((res, rej) => zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s!))));
    await pipeline(stream, count, createWriteStream(tmp));
  } catch (err) {
    await rm(tmp, { force: true });
    return { reason: `không giải nén được (${(err as Error).message})` };
  }
  const sha256 = hash.digest('hex');
  const target = join(home, lake.raw(sha256, extname(e.fileName).toLowerCase()));
  await rename(tmp, target);
  return { path: target, sha256 };
}
