// A small Parquet writer for the lake files the parser writes: columns of text (BYTE_ARRAY, UTF8)
// or 32-bit integers, every column OPTIONAL (nulls allowed), one row group, one data page (v1) per
// column (a dictionary page first for a text column of few distinct values), PLAIN values or
// dictionary indices, definition levels in the RLE hybrid encoding, pages compressed with GZIP
// (zlib, level 1) when the column's pages hold 1 KB or more. Nothing else of the format (no
// statistics, indexes or bit-packing): what the warehouse's read_parquet needs and any reader
// reads. Writing a school's list this way costs about a quarter of the CPU of going through an
// in-memory DuckDB (appender, COPY): about 5 ms against 21 ms; bench/README "Ingest parsing".
// Format: https://parquet.apache.org/docs/file-format/ (parquet.thrift), Thrift compact protocol.
import { gzipSync } from 'node:zlib';

export type ParquetType = 'varchar' | 'integer';
export interface ParquetColumn { name: string; type: ParquetType }

/** Bytes written with the Thrift compact protocol (the parts of it Parquet's metadata uses). */
class Thrift {
  private bytes: number[] = [];
  private last: number[] = [0];

  varint(n: number): this {
    // n ≥ 0 and below 2^53: shifts would wrap at 2^31
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
    return this;
  }

  byte(n: number): this {
    this.bytes.push(n);
    return this;
  }

  private zigzag(n: number): this {
    return this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private field(id: number, type: number): this {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
    return this;
  }

  i32(id: number, n: number): this {
    return this.field(id, 5).zigzag(n);
  }

  /** An i64 field; undefined leaves the (optional) field out. */
  i64(id: number, n: number | undefined): this {
    return n === undefined ? this : this.field(id, 6).zigzag(n);
  }

  string(id: number, s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.field(id, 8).varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  /** A struct field; `body` writes its fields. */
  struct(id: number, body: (t: this) => void): this {
    this.field(id, 12);
    return this.inStruct(body);
  }

  /** A list field of structs (element type 12) or of i32 (5) or strings (8). */
  list<T>(id: number, elementType: 5 | 8 | 12, items: T[], write: (t: this, item: T) => void): this {
    this.field(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(items.length);
    }
    for (const item of items) {
      if (elementType === 12) this.inStruct((t) => write(t, item));
      else write(this, item);
    }
    return this;
  }

  /** A list element that is a plain value. */
  value32(n: number): this {
    return this.zigzag(n);
  }

  valueString(s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  /** The fields of a struct, then its stop byte. */
  inStruct(body: (t: this) => void): this {
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
    return this;
  }

  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

const TYPE = { varchar: 6 /* BYTE_ARRAY */, integer: 1 /* INT32 */ } as const;
const CONVERTED = { varchar: 0 /* UTF8 */, integer: 17 /* INT_32 */ } as const;
const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;
const UNCOMPRESSED = 0;
const GZIP = 2;
/**
 * A column's pages are compressed (GZIP) when they hold at least this many bytes, else stored as
 * they are (the codec is per column chunk): most columns of a school's list are a dictionary of a
 * few values whose pages are a few bytes, and starting a zlib stream for each cost more than
 * compressing the names (a third of the parser's zlib time went to streams for pages this small).
 */
const COMPRESS_FROM_BYTES = 1024;

/** A text column with few distinct values (codes, the file's hash and title block in every row)
 * is written as a dictionary and indices: values, and each row's index into them. */
interface Dictionary { values: string[]; indices: number[] }
function dictionaryOf(values: string[]): Dictionary | undefined {
  const limit = Math.max(1, values.length >> 2);
  const index = new Map<string, number>();
  const indices: number[] = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    let k = index.get(values[i]!);
    if (k === undefined) {
      if (index.size >= limit) return undefined;
      index.set(values[i]!, (k = index.size));
    }
    indices[i] = k;
  }
  return values.length ? { values: [...index.keys()], indices } : undefined;
}

/** The indices of a dictionary-encoded page: bit width (one byte), then RLE runs of each index. */
function dictionaryIndices(d: Dictionary): Buffer {
  const width = Math.max(1, Math.ceil(Math.log2(d.values.length)));
  const bytes = Math.ceil(width / 8);
  const t = new Thrift();
  for (let i = 0; i < d.indices.length;) {
    let j = i;
    while (j < d.indices.length && d.indices[j] === d.indices[i]) j++;
    t.varint((j - i) * 2);
    for (let b = 0, v = d.indices[i]!; b < bytes; b++, v >>>= 8) t.byte(v & 0xff);
    i = j;
  }
  return Buffer.concat([Buffer.from([width]), t.buffer()]);
}

/** Definition levels (1 = a value, 0 = null) in the RLE/bit-packed hybrid, as runs, with its 4-byte length first. */
function definitionLevels(present: boolean[]): Buffer {
  const t = new Thrift();
  for (let i = 0; i < present.length;) {
    let j = i;
    while (j < present.length && present[j] === present[i]) j++;
    t.varint((j - i) * 2).varint(present[i] ? 1 : 0);
    i = j;
  }
  const runs = t.buffer();
  const out = Buffer.allocUnsafe(4 + runs.length);
  out.writeUInt32LE(runs.length, 0);
  runs.copy(out, 4);
  return out;
}

/** A column's values, PLAIN: texts as 4-byte length + UTF-8 (encoded here: one call into the
 * runtime per value cost more than the rest of the file), integers as 4 bytes little-endian. */
function plainValues(type: ParquetType, values: (string | number)[]): Buffer {
  if (type === 'integer') {
    const out = Buffer.allocUnsafe(4 * values.length);
    values.forEach((v, i) => out.writeInt32LE(v as number, 4 * i));
    return out;
  }
  let max = 0;
  for (const v of values) max += 4 + 3 * (v as string).length;
  const out = Buffer.allocUnsafe(max);
  let at = 0;
  for (const v of values) {
    const s = v as string;
    const start = at;
    at += 4;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) out[at++] = c;
      else if (c < 0x800) {
        out[at++] = 0xc0 | (c >> 6);
        out[at++] = 0x80 | (c & 0x3f);
      } else {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[at++] = 0xf0 | (c >> 18);
          out[at++] = 0x80 | ((c >> 12) & 0x3f);
        } else {
          // a lone surrogate is written as U+FFFD, as Buffer.from does
          if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
          out[at++] = 0xe0 | (c >> 12);
        }
        out[at++] = 0x80 | ((c >> 6) & 0x3f);
        out[at++] = 0x80 | (c & 0x3f);
      }
    }
    out.writeUInt32LE(at - start - 4, start);
  }
  return out.subarray(0, at);
}

/** Column c of the rows: which rows have a value, and the values (a plain function: as a closure of
 * the file's loop it was deoptimised and recompiled file after file). */
function columnValues(column: ParquetColumn, c: number, rows: readonly (readonly (string | number | null)[])[]): { present: boolean[]; values: (string | number)[] } {
  const present: boolean[] = new Array<boolean>(rows.length);
  const values: (string | number)[] = [];
  const integer = column.type === 'integer';
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![c];
    if (v === null || v === undefined) {
      present[i] = false;
      continue;
    }
    present[i] = true;
    if (integer ? typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647 : typeof v !== 'string') {
      throw new Error(`parquet: column ${column.name} (${column.type}) cannot hold ${JSON.stringify(v)}`);
    }
    values.push(v);
  }
  return { present, values };
}

/** A Parquet file of these columns and rows (row[i] is the value of columns[i], or null). */
export function parquetFile(columns: readonly ParquetColumn[], rows: readonly (readonly (string | number | null)[])[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: { column: ParquetColumn; codec: number; offset: number; compressed: number; uncompressed: number; dictionaryOffset: number | undefined }[] = [];
  if (rows.length) {
    columns.forEach((column, c) => {
      const { present, values } = columnValues(column, c, rows);
      const levels = definitionLevels(present);
      const dictionary = column.type === 'varchar' ? dictionaryOf(values as string[]) : undefined;
      const dictionaryPage = dictionary && plainValues('varchar', dictionary.values);
      const dataPage = Buffer.concat([levels, dictionary ? dictionaryIndices(dictionary) : plainValues(column.type, values)]);
      const codec = (dictionaryPage?.length ?? 0) + dataPage.length >= COMPRESS_FROM_BYTES ? GZIP : UNCOMPRESSED;
      const chunk = { column, codec, offset, compressed: 0, uncompressed: 0, dictionaryOffset: undefined as number | undefined };
      const page = (type: number, body: Buffer, header: (t: Thrift) => void) => {
        const compressed = codec === GZIP ? gzipSync(body, { level: 1 }) : body;
        const bytes = new Thrift().inStruct((t) => { t.i32(1, type).i32(2, body.length).i32(3, compressed.length); header(t); }).buffer();
        parts.push(bytes, compressed);
        chunk.compressed += bytes.length + compressed.length;
        chunk.uncompressed += bytes.length + body.length;
        offset += bytes.length + compressed.length;
      };
      if (dictionary) {
        chunk.dictionaryOffset = offset;
        page(2 /* DICTIONARY_PAGE */, dictionaryPage!, (t) => t.struct(7, (d) => d.i32(1, dictionary.values.length).i32(2, PLAIN)));
      }
      const dataOffset = offset;
      page(0 /* DATA_PAGE */, dataPage,
        (t) => t.struct(5, (d) => d.i32(1, rows.length).i32(2, dictionary ? RLE_DICTIONARY : PLAIN).i32(3, RLE).i32(4, RLE)));
      chunks.push({ ...chunk, offset: dataOffset });
    });
  }
  const meta = new Thrift().inStruct((t) => t
    .i32(1, 1)
    .list(2, 12, [null, ...columns], (s, column) => {
      if (column === null) s.string(4, 'schema').i32(5, columns.length);
      else s.i32(1, TYPE[column.type]).i32(3, 1 /* OPTIONAL */).string(4, column.name).i32(6, CONVERTED[column.type]);
    })
    .i64(3, rows.length)
    .list(4, 12, chunks.length ? [chunks] : [], (g, cs) => g
      .list(1, 12, cs, (cc, ch) => cc
        .i64(2, ch.dictionaryOffset ?? ch.offset)
        .struct(3, (m) => m
          .i32(1, TYPE[ch.column.type])
          .list(2, 5, ch.dictionaryOffset === undefined ? [PLAIN, RLE] : [PLAIN, RLE, RLE_DICTIONARY], (l, e) => l.value32(e))
          .list(3, 8, [ch.column.name], (l, n) => l.valueString(n))
          .i32(4, ch.codec)
          .i64(5, rows.length)
          .i64(6, ch.uncompressed)
          .i64(7, ch.compressed)
          .i64(9, ch.offset)
          .i64(11, ch.dictionaryOffset)))
      .i64(2, cs.reduce((s, ch) => s + ch.uncompressed, 0))
      .i64(3, rows.length))
    .string(6, 'thongke')).buffer();
  const tail = Buffer.allocUnsafe(8);
  tail.writeUInt32LE(meta.length, 0);
  tail.write('PAR1', 4, 'latin1');
  parts.push(meta, tail);
  return Buffer.concat(parts);
}
