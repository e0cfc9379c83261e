// A streaming .xlsx reader for ingest. It opens the zip by its central directory (yauzl), so the
// order of the parts does not matter (exceljs's streaming reader loses shared strings or fails
// when workbook.xml or sharedStrings.xml come after the sheets, exceljs issue #962), reads the
// small parts whole (workbook, relationships, shared strings, styles) and scans each sheet's XML
// as it inflates, handing over one row at a time. Cells come as: string, number, boolean, Date
// (numbers in a date format), { error } (#REF! …); a formula gives its cached value.
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { readFileSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { nfc } from '../../forms/text.js';

export type CellScalar = string | number | boolean | Date | { error: string } | null;
/** A formula cell: its text and the value Excel cached when it last calculated (as exceljs gives it). */
export type CellValue = CellScalar | { formula: string; result: CellScalar | undefined };

export interface XlsxRow {
  number: number;
  /** 1-based: values[1] is column A */
  values: CellValue[];
}

export interface XlsxSheet {
  name: string;
  hidden: boolean;
  rows(): AsyncGenerator<XlsxRow>;
  /** The same rows, those of each inflated chunk together (a row at a time through async generators cost more than reading it). */
  rowBatches(): AsyncGenerator<XlsxRow[]>;
}

export interface XlsxLimits {
  /** refuse parts that inflate beyond this many bytes (zip bombs) */
  maxPartBytes: number;
  /** refuse a compression ratio beyond this */
  maxRatio: number;
}

export const DEFAULT_LIMITS: XlsxLimits = { maxPartBytes: 1024 * 1024 * 1024, maxRatio: 400 };

/** Excel's own grid: a cell beyond it was not written by Excel (a damaged or forged file). */
export const EXCEL_MAX_ROWS = 1_048_576;
export const EXCEL_MAX_COLUMNS = 16_384;
/** Below this many inflated bytes a high compression ratio is normal (sparse sheets, styles). */
const RATIO_FLOOR_BYTES = 50 * 1024 * 1024;

export class XlsxError extends Error {}

/** Files up to this size are read whole and their parts inflated in one call (no thread-pool round trips per chunk); larger ones stream. */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024;
/** Parts up to this (declared) size are inflated in one call; larger ones stream, with the limits checked as they inflate. */
const WHOLE_PART_BYTES = 64 * 1024 * 1024;
/** Bytes of an inflated part handed to the row scanner at a time. */
const SCAN_CHUNK = 1024 * 1024;

/** A zip opened by its central directory: list the entries, read one entry's bytes in chunks. */
interface Zip {
  zip: yauzl.ZipFile;
  chunks(entry: yauzl.Entry): Promise<AsyncIterable<Buffer> | Iterable<Buffer>>;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true }, (e, z) => (e ? rej(e) : res(z!))));
}

function zipFromBuffer(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: true }, (e, z) => (e ? rej(e) : res(z!))));
}

/** An inflated part in chunks, giving the event loop a turn between them (heartbeats, other work). */
async function* split(buf: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += SCAN_CHUNK) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    yield buf.subarray(i, i + SCAN_CHUNK);
  }
}

/**
 * One entry of a zip held in memory, inflated at once. Only for entries whose declared size is at
 * most WHOLE_PART_BYTES (the declared sizes have passed the limits in openXlsx): the output is
 * capped at the declared size, and a part that inflates to more or less than it says is refused.
 */
function inflateEntry(buf: Buffer, entry: yauzl.Entry): Buffer {
  if (entry.isEncrypted()) throw new XlsxError(`phần ${entry.fileName} được mã hoá — không đọc được`);
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) throw new XlsxError(`phần ${entry.fileName} hỏng (không thấy đầu mục trong tệp nén)`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new XlsxError(`phần ${entry.fileName} bị cắt cụt`);
  const corrupt = (why: string) => new XlsxError(`phần ${entry.fileName} hỏng: ${why}`);
  if (entry.compressionMethod === 0) {
    if (data.length !== entry.uncompressedSize) throw corrupt('kích thước không khớp mục lục');
    return data;
  }
  if (entry.compressionMethod !== 8) throw new XlsxError(`phần ${entry.fileName} dùng kiểu nén ${entry.compressionMethod} không hỗ trợ`);
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (e) {
    if (e instanceof RangeError) throw corrupt(`giải nén ra nhiều hơn ${entry.uncompressedSize} byte mục lục ghi`);
    throw corrupt(`không giải nén được (${(e as Error).message})`);
  }
  if (out.length !== entry.uncompressedSize) throw corrupt(`giải nén ra ${out.length} byte, mục lục ghi ${entry.uncompressedSize}`);
  return out;
}

function bomb(part: string, inflated: number, compressed: number): XlsxError {
  return new XlsxError(`${/worksheets/.test(part) ? 'trang tính' : `phần ${part}`} giải nén quá lớn (${Math.round(inflated / 1e6)} MB, tỷ lệ nén ${Math.round(inflated / Math.max(1, compressed))}:1) — nghi là tệp "zip bomb"`);
}

// Sync reads: in the parse threads each async call was a round trip through libuv's pool on busy
// cores (bench/README runs 12-15); on the main loop (original-rows.ts) a read of up to
// WHOLE_FILE_BYTES blocks it briefly, as the synchronous inflate there already does.
async function openAnyZip(path: string): Promise<Zip> {
  const size = statSync(path).size;
  if (size <= WHOLE_FILE_BYTES) {
    const buf = readFileSync(path);
    const zip = await zipFromBuffer(buf);
    return { zip, chunks: async (entry) => (entry.uncompressedSize <= WHOLE_PART_BYTES ? split(inflateEntry(buf, entry)) : entryStream(zip, entry)) };
  }
  const zip = await openZip(path);
  return { zip, chunks: (entry) => entryStream(zip, entry) };
}

function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((res, rej) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (e: yauzl.Entry) => {
      entries.set(e.fileName.replace(/^\//, ''), e);
      zip.readEntry();
    });
    zip.on('end', () => res(entries));
    zip.on('error', rej);
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((res, rej) => zip.openReadStream(entry, (e, s) => (e ? rej(e) : res(s!))));
}

async function readText(zip: Zip, entry: yauzl.Entry): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await zip.chunks(entry)) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities and Excel's _xHHHH_ escapes. */
export function unescapeXml(s: string): string {
  if (!s.includes('&') && !s.includes('_x')) return s;
  return s
    .replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITY[e]!)
    .replace(/_x([0-9a-fA-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const ATTR = new Map<string, RegExp>();
function attr(tag: string, name: string): string | undefined {
  let re = ATTR.get(name);
  if (!re) ATTR.set(name, (re = new RegExp(`\\s${name}="([^"]*)"`)));
  const m = re.exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
}

/** The text of <t> elements in a string item or inline string, without phonetic runs. */
function itemText(xml: string): string {
  const body = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let out = '';
  const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out += m[1] ?? '';
  return unescapeXml(out);
}

function sharedStrings(xml: string): string[] {
  const out: string[] = [];
  const re = /<si>([\s\S]*?)<\/si>|<si\/>/g;
  // stored NFC once here, so a cell's text needs no normalising per use (forms/text.ts nfc)
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1] ? nfc(itemText(m[1])) : '');
  return out;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** For each cell style index: does it show the number as a date? */
function dateStyles(xml: string): boolean[] {
  const custom = new Map<number, boolean>();
  for (const m of xml.matchAll(/<numFmt\b[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId'));
    const code = (attr(m[0], 'formatCode') ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
    custom.set(id, /[dmyhs]/i.test(code) && !/^[#0.,%\s]*$/.test(code));
  }
  const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  return [...xfs.matchAll(/<xf\b[^>]*?(?:\/>|>)/g)].map((m) => {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    return custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id);
  });
}

function columnNumber(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

function serialToDate(serial: number): Date {
  return new Date(Math.round((serial - 25569) * 86400000));
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** An attribute of a tag's text, by plain search (the cells' r, t and s: the hot path; attr() elsewhere). */
function cellAttr(tag: string, name: string): string | undefined {
  const key = `${name}="`;
  for (let from = 0; ;) {
    const k = tag.indexOf(key, from);
    if (k < 0) return undefined;
    if (k > 0 && isSpace(tag.charCodeAt(k - 1))) {
      const end = tag.indexOf('"', k + key.length);
      return end < 0 ? undefined : unescapeXml(tag.slice(k + key.length, end));
    }
    from = k + 1;
  }
}

/** The text between the first <tag> and the </tag> after it, or undefined. */
function elementText(body: string, open: string, close: string): string | undefined {
  const a = body.indexOf(open);
  if (a < 0) return undefined;
  const b = body.indexOf(close, a + open.length);
  return b < 0 ? undefined : body.slice(a + open.length, b);
}

/** Rows are filled with nulls up to a cell in this column or before (a list has a few dozen). */
const PACKED_COLUMNS = 256;

function parseRow(xml: string, openTag: string, ctx: { strings: string[]; dates: boolean[] }, fallback: number): XlsxRow {
  const number = Number(attr(openTag, 'r') ?? fallback);
  if (number > EXCEL_MAX_ROWS) throw new XlsxError(`có dòng ${number}, ngoài giới hạn ${EXCEL_MAX_ROWS} dòng của Excel — tệp bị hỏng hoặc không do Excel tạo`);
  // one kind of array for every row (packed, null where no cell): rows whose arrays differed in
  // kind (holes, numbers only) made V8 deoptimise the code reading them, again and again
  const values: CellValue[] = [null];
  let next = 1;
  // each <c …/> or <c …>…</c> (scanned by hand: the same as /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g, faster)
  for (let i = 0; ;) {
    const open = xml.indexOf('<c', i);
    if (open < 0) break;
    const after = xml.charCodeAt(open + 2);
    if (!(isSpace(after) || after === 62 /* > */ || after === 47 /* / */)) {
      i = open + 2;
      continue;
    }
    const tagEnd = xml.indexOf('>', open + 2);
    if (tagEnd < 0) break;
    let attrs: string;
    let body = '';
    if (xml.charCodeAt(tagEnd - 1) === 47) {
      attrs = xml.slice(open + 2, tagEnd - 1);
      i = tagEnd + 1;
    } else {
      const close = xml.indexOf('</c>', tagEnd + 1);
      if (close < 0) {
        i = tagEnd + 1;
        continue;
      }
      attrs = xml.slice(open + 2, tagEnd);
      body = xml.slice(tagEnd + 1, close);
      i = close + 4;
    }
    const ref = cellAttr(attrs, 'r');
    const col = ref ? columnNumber(ref) : next;
    next = col + 1;
    if (col > EXCEL_MAX_COLUMNS) throw new XlsxError(`ô ${ref ?? `cột ${col}`} nằm ngoài giới hạn cột của Excel (XFD) — tệp bị hỏng hoặc không do Excel tạo`);
    const t = cellAttr(attrs, 't') ?? 'n';
    const v = body ? elementText(body, '<v>', '</v>') : undefined;
    let value: CellScalar = null;
    switch (t) {
      case 's':
        if (v === undefined) break;
        value = ctx.strings[Number(v)] ?? null;
        if (value === null) {
          throw new XlsxError(`ô ${ref ?? ''} dòng ${number} trỏ tới chuỗi dùng chung số ${v} nhưng ${ctx.strings.length ? `tệp chỉ có ${ctx.strings.length} chuỗi` : 'tệp thiếu phần xl/sharedStrings.xml'} — tệp bị hỏng`);
        }
        break;
      case 'inlineStr':
        value = itemText(elementText(body, '<is>', '</is>') ?? '');
        break;
      case 'str':
        value = v === undefined ? null : unescapeXml(v);
        break;
      case 'b':
        value = v === undefined ? null : v === '1';
        break;
      case 'e':
        value = { error: unescapeXml(v ?? '#N/A') };
        break;
      default: {
        if (v === undefined || v === '') break;
        const num = Number(v);
        const style = Number(cellAttr(attrs, 's') ?? 0);
        value = ctx.dates[style] ? serialToDate(num) : num;
      }
    }
    const f = body.includes('<f') ? /<f\b[^>]*?(?:\/>|>([\s\S]*?)<\/f>)/.exec(body) : null;
    // (not for a cell far out to the right: a row is not filled up to column XFD)
    if (col <= PACKED_COLUMNS) while (values.length < col) values.push(null);
    values[col] = f ? { formula: unescapeXml(f[1] ?? ''), result: v === undefined && t !== 'inlineStr' ? undefined : value } : value;
  }
  return { number, values };
}

/** Rows of one sheet's XML, scanned as it inflates: the complete rows of each chunk together. */
async function* scanRows(stream: AsyncIterable<Buffer> | Iterable<Buffer>, ctx: { strings: string[]; dates: boolean[] }, limits: XlsxLimits, compressed: number): AsyncGenerator<XlsxRow[]> {
  let buf = '';
  const decoder = new StringDecoder('utf8'); // a character may be split across chunks
  let inflated = 0;
  let rowNo = 0;
  for await (const chunk of stream) {
    inflated += (chunk as Buffer).length;
    if (inflated > limits.maxPartBytes || (compressed > 0 && inflated / compressed > limits.maxRatio && inflated > RATIO_FLOOR_BYTES)) {
      (stream as Partial<Readable>).destroy?.();
      throw bomb('xl/worksheets', inflated, compressed);
    }
    buf += decoder.write(chunk as Buffer);
    let start = 0;
    const batch: XlsxRow[] = [];
    for (;;) {
      const open = buf.indexOf('<row', start);
      if (open < 0) break;
      const tagEnd = buf.indexOf('>', open);
      if (tagEnd < 0) break;
      const openTag = buf.slice(open, tagEnd + 1);
      if (openTag.endsWith('/>')) {
        rowNo = Number(attr(openTag, 'r') ?? rowNo + 1);
        start = tagEnd + 1;
        continue;
      }
      const close = buf.indexOf('</row>', tagEnd);
      if (close < 0) break;
      let row: XlsxRow;
      try {
        row = parseRow(buf.slice(tagEnd + 1, close), openTag, ctx, rowNo + 1);
      } catch (e) {
        // the rows before a broken one first: the reader may stop at one of them (a list's row limit)
        if (batch.length) yield batch;
        throw e;
      }
      rowNo = row.number;
      start = close + 6;
      batch.push(row);
    }
    // keep the unfinished tail for the next chunk
    buf = buf.slice(start);
    if (batch.length) yield batch;
  }
}

export interface XlsxWorkbook {
  sheets: XlsxSheet[];
  /** the file carries a VBA project (.xlsm): its macros are never run, only the cells read */
  hasMacros: boolean;
  close(): void;
}

/** Open a workbook; throws XlsxError with a Vietnamese message when the file is not a readable .xlsx. */
export async function openXlsx(path: string, limits: XlsxLimits = DEFAULT_LIMITS): Promise<XlsxWorkbook> {
  let zip: Zip;
  try {
    zip = await openAnyZip(path);
  } catch (e) {
    throw new XlsxError(`không mở được như tệp nén .xlsx (${(e as Error).message})`);
  }
  try {
    const entries = await listEntries(zip.zip);
    const wbEntry = entries.get('xl/workbook.xml');
    if (!wbEntry && entries.has('content.xml')) throw new XlsxError('là bảng tính OpenDocument (.ods, của LibreOffice/OpenOffice), không phải .xlsx');
    if (!wbEntry) throw new XlsxError('không có phần xl/workbook.xml — không phải sổ tính Excel .xlsx');
    const workbookXml = await readText(zip, wbEntry);
    const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
    const rels = new Map<string, string>();
    if (relsEntry) {
      for (const m of (await readText(zip, relsEntry)).matchAll(/<Relationship\b[^>]*>/g)) {
        const target = attr(m[0], 'Target') ?? '';
        rels.set(attr(m[0], 'Id') ?? '', target.startsWith('/') ? target.slice(1) : `xl/${target}`);
      }
    }
    const ssEntry = entries.get('xl/sharedStrings.xml');
    const stEntry = entries.get('xl/styles.xml');
    for (const e of [ssEntry, stEntry]) {
      if (e && e.uncompressedSize > limits.maxPartBytes) throw new XlsxError(`phần ${e.fileName} quá lớn (${Math.round(e.uncompressedSize / 1e6)} MB)`);
    }
    const ctx = {
      strings: ssEntry ? sharedStrings(await readText(zip, ssEntry)) : [],
      dates: stEntry ? dateStyles(await readText(zip, stEntry)) : [],
    };
    const sheets: XlsxSheet[] = [];
    const names = new Map<string, string>();
    for (const m of workbookXml.matchAll(/<sheet\b[^>]*>/g)) {
      const rid = attr(m[0], 'r:id') ?? attr(m[0], 'id');
      const target = rid ? rels.get(rid) : undefined;
      const entry = target ? entries.get(target.replace(/^xl\/\.\.\//, '')) : undefined;
      const name = attr(m[0], 'name') ?? '';
      const hidden = /hidden/.test(attr(m[0], 'state') ?? '');
      // Excel refuses two sheets whose names differ only in case: such a file was edited outside it
      const key = name.normalize('NFC').toLocaleLowerCase('vi');
      const twin = names.get(key);
      if (twin !== undefined) throw new XlsxError(`có hai trang tính trùng tên "${twin}" và "${name}" (Excel không cho phép) — tệp bị sửa ngoài Excel`);
      names.set(key, name);
      if (!entry) throw new XlsxError(`trang tính "${name}" không có phần dữ liệu${target ? ` (${target})` : ''} — tệp bị hỏng`);
      if (entry.uncompressedSize > limits.maxPartBytes || (entry.uncompressedSize > RATIO_FLOOR_BYTES && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio)) {
        throw new XlsxError(`trang tính "${name}" giải nén ra quá lớn (${Math.round(entry.uncompressedSize / 1e6)} MB, tỷ lệ nén ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}:1) — nghi là tệp "zip bomb"`);
      }
      const rowBatches = async function* () {
        yield* scanRows(await zip.chunks(entry), ctx, limits, entry.compressedSize);
      };
      sheets.push({
        name,
        hidden,
        rowBatches,
        rows: async function* () {
          for await (const batch of rowBatches()) yield* batch;
        },
      });
    }
    return { sheets, hasMacros: entries.has('xl/vbaProject.bin'), close: () => zip.zip.close() };
  } catch (e) {
    zip.zip.close();
    throw e;
  }
}
