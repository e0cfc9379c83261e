// Code lists of the MOET csdl spec, vendored once into forms/codelists/*.json
// (scripts/vendor_codelists.py). A value matches by code (zero-padded) or by folded name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formsDir } from './layout.js';
import { fold } from './text.js';

export interface CodeEntry {
  code: string;
  name: string;
  extra?: Record<string, string>;
}

export interface Codelist {
  codelist: string;
  title: string;
  source: string;
  entries: CodeEntry[];
  /** code or folded name → code */
  lookup(value: string): string | undefined;
  name(code: string): string | undefined;
}

const cache = new Map<string, Codelist>();

/** Cell texts whose code a list remembers (emptied when full). */
const NAMES_KEPT = 10_000;

export function loadCodelist(name: string): Codelist {
  const hit = cache.get(name);
  if (hit) return hit;
  const raw = JSON.parse(readFileSync(join(formsDir, 'codelists', `${name}.json`), 'utf8')) as Omit<Codelist, 'lookup' | 'name'>;
  const width = Math.max(...raw.entries.map((e) => e.code.length));
  const byCode = new Map(raw.entries.map((e) => [e.code, e]));
  const byName = new Map<string, string>();
  for (const e of raw.entries) if (!byName.has(fold(e.name))) byName.set(fold(e.name), e.code);
  const looked = new Map<string, string | undefined>();
  const list: Codelist = {
    ...raw,
    lookup(value: string) {
      const v = value.trim();
      if (/^\d+$/.test(v)) {
        const padded = v.padStart(width, '0');
        return byCode.has(padded) ? padded : undefined;
      }
      // a list's cells repeat a few names (Nam, Nữ, Kinh, Đang học): fold each once
      if (looked.has(v)) return looked.get(v);
      if (looked.size >= NAMES_KEPT) looked.clear();
      const code = byName.get(fold(v));
      looked.set(v, code);
      return code;
    },
    name: (code: string) => byCode.get(code)?.name,
  };
  cache.set(name, list);
  return list;
}
