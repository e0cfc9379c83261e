// Vietnamese text at the edge: store NFC, compare folded (lowercase, no diacritics, single spaces).

// eslint-disable-next-line no-control-regex -- every ASCII character, control characters included
const ASCII = /^[\x00-\x7f]*$/;

export function nfc(s: string): string {
  // ASCII (codes, numbers, dates) is its own NFC: skip the normaliser, the hot spot of parsing
  return ASCII.test(s) ? s : s.normalize('NFC');
}

/** Folded form for comparing names and header texts; display keeps the original. */
export function fold(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase().replace(/[\s\u00a0]+/g, ' ').trim();
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** Excel column letter for a 1-based column number (1 → A, 27 → AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * Text that a spreadsheet would take for a formula when the value is written back out (CSV
 * injection, DDE "=cmd|…"): "=" or "@" first, or "+"/"-" first with formula characters after.
 * Such a cell is kept as the text it is (never evaluated) and flagged; writers neutralise it
 * (forms/csv.ts csvCell).
 */
export function looksLikeFormula(text: string): boolean {
  const c = text[0];
  if (c === '=' || c === '@') return text.length > 1;
  if (c === '+' || c === '-') return /[()|!="]/.test(text.slice(1)) && !/^[-+]?\d+([.,]\d+)?$/.test(text);
  return false;
}
