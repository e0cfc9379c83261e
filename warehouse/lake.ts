// Lake layout: the source of truth. Paths inside payloads are relative to THONGKE_HOME, so a
// worker on another machine resolves them against its own mount of the same storage.
import { createHash, randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, extname } from 'node:path';

export const lake = {
  raw: (sha256: string, ext: string) => join('lake', 'raw', `${sha256}${ext}`),
  staging: (form: string, period: string, sha256: string) => join('lake', 'staging', form, period, `${sha256}.parquet`),
  rejects: (form: string, period: string, sha256: string) => join('lake', 'rejects', form, period, `${sha256}.parquet`),
};

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Keep the original file exactly as received, once per content hash. */
export async function storeRaw(home: string, source: string, sha256: string): Promise<string> {
  const rel = lake.raw(sha256, extname(source).toLowerCase());
  const target = join(home, rel);
  if (!(await exists(target))) {
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await copyFile(source, tmp);
    await rename(tmp, target);
  }
  return rel;
}

let tmpCounter = 0;

/** A temporary name beside the target, unique in this process; callers rename it into place when complete. */
export function tempBeside(target: string): string {
  return `${target}.${process.pid}.${threadId}.${++tmpCounter}.${randomBytes(4).toString('hex')}.tmp`;
}
