// The `thongke` command. Messages to people are in Vietnamese; machine output (--json, --format)
// goes to stdout, progress and logs to stderr.
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { thongkeHome, warehousePath } from '../warehouse/home.js';
import { startWorkers, QUEUES, type Queue } from '../workflows/worker.js';
import { connectClient, runIngestBatch } from '../workflows/client.js';
import { temporalAddress } from '../workflows/connection.js';
import type { BatchProgress, FileSummary } from '../workflows/ingest/types.js';
import { publish, publishCommand } from './publish.js';
import { serveCommand } from './serve.js';
import { formatInt } from '../dashboards/format.js';
import { startDevServer, temporalAnswers, type DevServer } from './dev-server.js';
import { expandInputs } from './inputs.js';
import { generateDemoWorld } from '../fixtures/demo-world.js';

const USAGE = `thongke — kho dữ liệu thống kê giáo dục

  thongke demo                         tỉnh mẫu: sinh dữ liệu, nạp, biến đổi, dựng trang
  thongke server [--port 7233]         chạy máy chủ Temporal (dev server) trong THONGKE_HOME
  thongke worker [--queues ingest,warehouse]
  thongke ingest <tệp|thư mục>… [--json] [--no-transform]
  thongke transform                    chạy các phép biến đổi SQL
  thongke validate <tệp|thư mục>…      kiểm tra thử, không lưu gì
  thongke errors [--period 2025-2026] [--school MÃ] [--out DIR] [--public]
                                       sổ lỗi Excel cho từng trường (mặc định THONGKE_HOME/lake/error-workbooks)
  thongke fixtures --scale tiny|province|national [--seed 1] [--out DIR]
                                       sinh bộ dữ liệu mẫu kèm đáp án
  thongke publish [--audience bo|so:<mã tỉnh>|analyst]
                                       dựng trang tĩnh vào THONGKE_HOME/site (mặc định: tất cả)
  thongke serve [--port 8080]          phục vụ THONGKE_HOME/site trên máy này
  thongke sql "<truy vấn>" [--format table|csv|json|parquet|arrow] [--out TỆP]
                                       truy vấn chỉ đọc; parquet cần --out
  thongke rebuild                      dựng lại kho từ hồ dữ liệu (raw, staging, core, marts)
  thongke dictionary [--check]         viết docs/data-dictionary.md từ một kho dựng mới
  thongke gen-types [--check]          viết warehouse/generated/schema.ts (kiểu Kysely) từ một kho dựng mới
  thongke forms export [--period 2024-2025] [--unit MÃ] [--out DIR]
                                       xuất biểu mẫu thống kê chính thức (Excel) của Phòng, Sở
  thongke period open|status|submit|approve|return|unlock …   kỳ báo cáo (thongke period để xem cách dùng)

Biến môi trường: THONGKE_HOME (mặc định ./thongke-data), TEMPORAL_ADDRESS (mặc định localhost:7233),
TEMPORAL_NAMESPACE (mặc định default).`;

const err = (s: string) => process.stderr.write(`${s}\n`);

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((res) => {
    process.once('SIGINT', () => res('SIGINT'));
    process.once('SIGTERM', () => res('SIGTERM'));
  });
}

function progressPrinter(): (p: BatchProgress) => void {
  let last = '';
  return (p) => {
    const width = 30;
    const done = p.total ? Math.round((width * p.loaded) / p.total) : width;
    const line = `[${'█'.repeat(done)}${'░'.repeat(width - done)}] ${p.parsed}/${p.total} tệp đã đọc, ${p.loaded} đã nạp${p.transformed ? ', đã biến đổi' : ''}`;
    if (line === last) return;
    last = line;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else err(line);
  };
}

const STATUS_VI: Record<FileSummary['status'], string> = { loaded: 'đã nạp', rejected: 'bị từ chối', superseded: 'đã thay thế', unchanged: 'không đổi (đã có)', bundle: 'gói nén, đã mở' };

/** Per-file lines (the table, the messages) printed up to this many files; a province batch gets the table by form only. */
const FILES_LISTED = 40;

function printTable(head: string[], rows: string[][], numericFrom: number): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i >= numericFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

function printSummary(files: FileSummary[]): void {
  type Count = 'rows_read' | 'rows_accepted' | 'rows_rejected' | 'rows_ignored';
  const COUNTS: Count[] = ['rows_read', 'rows_accepted', 'rows_rejected', 'rows_ignored'];
  const sum = (fs: FileSummary[], k: Count) => fs.reduce((s, f) => s + f[k], 0);
  if (files.length <= FILES_LISTED) {
    printTable(['Tệp', 'Mẫu', 'Kết quả', 'Đọc', 'Nhận', 'Từ chối', 'Bỏ qua'],
      files.map((f) => [f.file, f.form ?? '–', STATUS_VI[f.status], ...COUNTS.map((k) => formatInt(f[k]))]), 3);
    console.log('');
  }
  // by form and outcome
  const groups = new Map<string, FileSummary[]>();
  for (const f of files) {
    const key = JSON.stringify([f.form ?? '–', STATUS_VI[f.status]]);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  printTable(['Mẫu', 'Kết quả', 'Tệp', 'Đọc', 'Nhận', 'Từ chối', 'Bỏ qua'],
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, fs]) => [...(JSON.parse(key) as string[]), formatInt(fs.length), ...COUNTS.map((k) => formatInt(sum(fs, k)))]), 2);
  console.log(`${formatInt(files.length)} tệp: đọc ${formatInt(sum(files, 'rows_read'))} dòng, nhận ${formatInt(sum(files, 'rows_accepted'))}, từ chối ${formatInt(sum(files, 'rows_rejected'))}, bỏ qua ${formatInt(sum(files, 'rows_ignored'))}.`);
  const notes = files.filter((x) => x.message);
  for (const f of notes.slice(0, FILES_LISTED)) console.log(`  ! ${f.message}`);
  if (notes.length > FILES_LISTED) console.log(`  … và ${formatInt(notes.length - FILES_LISTED)} thông báo khác: thongke sql "select file_name, status, message from ops.files where message is not null"`);
}

async function ingest(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'no-transform': { type: 'boolean' } } });
  if (!positionals.length) {
    err('thongke ingest: hãy chỉ ra tệp hoặc thư mục cần nạp');
    return 2;
  }
  const files = expandInputs(positionals);
  const client = await connectClient();
  try {
    const result = await runIngestBatch(client, { files, transform: !values['no-transform'] }, values.json ? undefined : progressPrinter());
    if (process.stderr.isTTY && !values.json) err('');
    if (values.json) {
      const out = result.files.map((f) => ({ file: f.file, sha256: f.sha256, form: f.form, rows_read: f.rows_read, rows_accepted: f.rows_accepted, rows_rejected: f.rows_rejected, rows_ignored: f.rows_ignored, status: f.status, message: f.message }));
      console.log(JSON.stringify({ files: out }));
    } else printSummary(result.files);
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function server(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } } });
  if (process.env.TEMPORAL_ADDRESS) {
    err(`TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS} đã được đặt: dùng máy chủ đó, không chạy dev server.`);
    return (await temporalAnswers(process.env.TEMPORAL_ADDRESS)) ? 0 : 1;
  }
  const home = thongkeHome();
  const srv = await startDevServer({ home, port: Number(values.port ?? 7233) });
  err(`Máy chủ Temporal đang chạy ở ${srv.address} (dữ liệu: ${join(home, 'temporal.db')}). Ctrl-C để dừng.`);
  await untilSignal();
  await srv.stop();
  err('Đã dừng máy chủ Temporal.');
  return 0;
}

async function worker(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { queues: { type: 'string' } } });
  const queues = (values.queues?.split(',') ?? QUEUES) as Queue[];
  const bad = queues.filter((q) => !QUEUES.includes(q));
  if (bad.length) {
    err(`thongke worker: hàng đợi không có: ${bad.join(', ')} (có: ${QUEUES.join(', ')})`);
    return 2;
  }
  const running = await startWorkers({ queues });
  err(`Worker đang chạy: ${queues.join(', ')} tại ${temporalAddress()}, THONGKE_HOME=${thongkeHome()}`);
  void untilSignal().then(() => running.shutdown());
  await running.done;
  return 0;
}

async function transformCommand(): Promise<number> {
  const client = await connectClient();
  try {
    const r = await runIngestBatch(client, { files: [], transform: true });
    err(`Đã chạy biến đổi (lần chạy ${r.transformRunId}).`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function demo(): Promise<number> {
  const home = thongkeHome();
  mkdirSync(home, { recursive: true });
  let devServer: DevServer | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    const port = Number(process.env.THONGKE_TEMPORAL_PORT ?? 7233);
    const candidate = `127.0.0.1:${port}`;
    if (await temporalAnswers(candidate)) address = candidate;
    else {
      err('Khởi động máy chủ Temporal…');
      devServer = await startDevServer({ home, port: (await portFree(port)) ? port : 'free' });
      address = devServer.address;
    }
  }
  process.env.TEMPORAL_ADDRESS = address;
  err(`Temporal: ${address}`);
  const workers = await startWorkers({ address });
  try {
    const inbox = join(home, 'inbox', 'demo');
    const world = await generateDemoWorld(inbox, { seed: 1 });
    err(`Đã sinh ${world.files.length} tệp danh sách học sinh của ${world.commune.communeName}, ${world.commune.provinceName} vào ${inbox}`);
    const client = await connectClient(address);
    let result;
    let period: string;
    try {
      result = await runIngestBatch(client, { files: world.files }, progressPrinter());
      // the round these files belong to, with every state of the approval chain in it
      period = await (await import('./demo-period.js')).demoPeriod(client, world);
    } finally {
      await client.connection.close();
    }
    if (process.stderr.isTTY) err('');
    printSummary(result.files);
    const site = await publish(home);
    const t = site.totals;
    console.log('');
    console.log(`Trang: ${site.index}`);
    console.log(`Kho dữ liệu: ${warehousePath(home)}`);
    console.log(period);
    console.log(`Tổng: ${formatInt(t.schools)} trường, ${formatInt(t.pupils)} học sinh đang học (${formatInt(t.pupilsFemale)} nữ, ${formatInt(t.pupilsEthnicMinority)} dân tộc thiểu số); ${formatInt(t.filesLoaded)} tệp đã nạp, ${formatInt(t.rowsRejected)} dòng bị từ chối.`);
    return 0;
  } finally {
    workers.shutdown();
    await workers.done;
    await devServer?.stop();
  }
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'demo': return demo();
    case 'server': return server(args);
    case 'worker': return worker(args);
    case 'ingest': return ingest(args);
    case 'sql': return (await import('./sql.js')).sqlCommand(args);
    case 'publish': return publishCommand(args);
    case 'serve': return serveCommand(args);
    case 'transform': return transformCommand();
    case 'rebuild': return (await import('./rebuild.js')).rebuildCommand();
    case 'dictionary': return (await import('./generate.js')).dictionaryCommand(args);
    case 'gen-types': return (await import('./generate.js')).genTypesCommand(args);
    case 'fixtures': return (await import('./fixtures.js')).fixturesCommand(args);
    case 'validate': return (await import('./validate.js')).validateCommand(args);
    case 'errors': return (await import('./errors.js')).errorsCommand(args);
    case 'period': return (await import('./period.js')).periodCommand(args);
    case 'forms': return (await import('./forms.js')).formsCommand(args);
    case undefined: case '-h': case '--help': case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      err(`thongke: không có lệnh "${command}"\n\n${USAGE}`);
      return 2;
  }
}
