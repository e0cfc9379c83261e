// Vietnamese text in the legacy 8-bit encodings still met in old workbooks: TCVN3 (ABC, fonts
// .VnTime) and VNI-Windows (fonts VNI-Times). Read as Unicode, such a cell shows Latin-1 letters
// ("NguyÔn" for TCVN3, "Nguyeãn" for VNI). One home for the tables: the fixture generator encodes
// with them, the parser detects and decodes with them.
//
// TCVN3 has no accented capitals (they came from the .VnTimeH font at the lowercase codes), so
// decoding gives lowercase accented letters; words are re-capitalised as names are.

// Unicode → TCVN3 (ABC), one code per letter
const TCVN3: Record<string, string> = {
  à: 'µ', ả: '¶', ã: '·', á: '¸', ạ: '¹',
  ă: '¨', ằ: '»', ẳ: '¼', ẵ: '½', ắ: '¾', ặ: 'Æ',
  â: '©', ầ: 'Ç', ẩ: 'È', ẫ: 'É', ấ: 'Ê', ậ: 'Ë',
  đ: '®',
  è: 'Ì', ẻ: 'Î', ẽ: 'Ï', é: 'Ð', ẹ: 'Ñ',
  ê: 'ª', ề: 'Ò', ể: 'Ó', ễ: 'Ô', ế: 'Õ', ệ: 'Ö',
  ì: '×', ỉ: 'Ø', ĩ: 'Ü', í: 'Ý', ị: 'Þ',
  ò: 'ß', ỏ: 'á', õ: 'â', ó: 'ã', ọ: 'ä',
  ô: '«', ồ: 'å', ổ: 'æ', ỗ: 'ç', ố: 'è', ộ: 'é',
  ơ: '¬', ờ: 'ê', ở: 'ë', ỡ: 'ì', ớ: 'í', ợ: 'î',
  ù: 'ï', ủ: 'ñ', ũ: 'ò', ú: 'ó', ụ: 'ô',
  ư: '\u00ad', ừ: 'õ', ử: 'ö', ữ: '÷', ứ: 'ø', ự: 'ù',
  ỳ: 'ú', ỷ: 'û', ỹ: 'ü', ý: 'ý', ỵ: 'þ',
  Ă: '¡', Â: '¢', Ê: '£', Ô: '¤', Ơ: '¥', Ư: '¦', Đ: '§',
};

// Unicode → VNI-Windows: base letter + tone/shape bytes
const VNI_LOWER: Record<string, string> = {
  á: 'aù', à: 'aø', ả: 'aû', ã: 'aõ', ạ: 'aï',
  â: 'aâ', ấ: 'aá', ầ: 'aà', ẩ: 'aå', ẫ: 'aã', ậ: 'aä',
  ă: 'aê', ắ: 'aé', ằ: 'aè', ẳ: 'aú', ẵ: 'aü', ặ: 'aë',
  é: 'eù', è: 'eø', ẻ: 'eû', ẽ: 'eõ', ẹ: 'eï',
  ê: 'eâ', ế: 'eá', ề: 'eà', ể: 'eå', ễ: 'eã', ệ: 'eä',
  í: 'í', ì: 'ì', ỉ: 'æ', ĩ: 'ó', ị: 'ò',
  ó: 'où', ò: 'oø', ỏ: 'oû', õ: 'oõ', ọ: 'oï',
  ô: 'oâ', ố: 'oá', ồ: 'oà', ổ: 'oå', ỗ: 'oã', ộ: 'oä',
  ơ: 'ô', ớ: 'ôù', ờ: 'ôø', ở: 'ôû', ỡ: 'ôõ', ợ: 'ôï',
  ú: 'uù', ù: 'uø', ủ: 'uû', ũ: 'uõ', ụ: 'uï',
  ư: 'ö', ứ: 'öù', ừ: 'öø', ử: 'öû', ữ: 'öõ', ự: 'öï',
  ý: 'yù', ỳ: 'yø', ỷ: 'yû', ỹ: 'yõ', ỵ: 'î',
  đ: 'ñ',
};
const VNI: Record<string, string> = { ...VNI_LOWER };
for (const [u, v] of Object.entries(VNI_LOWER)) VNI[u.toUpperCase()] = v.toUpperCase();

export type LegacyEncoding = 'tcvn3' | 'vni';

function invert(table: Record<string, string>): [string, string][] {
  // longest codes first, so "oâ" is read before "o"; on a tie, lowercase wins (TCVN3 capitals)
  return Object.entries(table).map(([u, e]) => [e, u] as [string, string])
    .sort((a, b) => b[0].length - a[0].length || (a[1] === a[1].toLowerCase() ? -1 : 1));
}
const DECODE: Record<LegacyEncoding, [string, string][]> = { tcvn3: invert(TCVN3), vni: invert(VNI) };
const ENCODE: Record<LegacyEncoding, Record<string, string>> = { tcvn3: TCVN3, vni: VNI };

export function encodeLegacy(text: string, enc: LegacyEncoding): string {
  const table = ENCODE[enc];
  let out = '';
  for (const ch of text.normalize('NFC')) {
    // TCVN3 writes accented capitals with the lowercase code (another font did the rest)
    out += table[ch] ?? (enc === 'tcvn3' ? table[ch.toLowerCase()] ?? ch : ch);
  }
  return out;
}

/** Decoded text, and how many codes were two-character ones (VNI's vowel + mark). */
function decodeCounting(text: string, enc: LegacyEncoding): { text: string; pairs: number } {
  const codes = DECODE[enc];
  let out = '';
  let pairs = 0;
  for (let i = 0; i < text.length;) {
    const hit = codes.find(([e]) => text.startsWith(e, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
      if (hit[0].length > 1) pairs++;
    } else out += text[i++];
  }
  return { text: out, pairs };
}

function decodeWith(text: string, enc: LegacyEncoding): string {
  return decodeCounting(text, enc).text;
}

// letters of Vietnamese in Unicode (NFC), beyond ASCII
const VIET = new Set('àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'.split('').flatMap((c) => [c, c.toUpperCase()]));
const TCVN3_CODES = new Set(Object.values(TCVN3));
const VNI_CODES = new Set(Object.values(VNI).flatMap((v) => v.split('')).filter((c) => c > '\u007f'));

function allIn(text: string, allowed: Set<string>): boolean {
  for (const ch of text) if (ch > '\u007f' && !allowed.has(ch)) return false;
  return true;
}

/** TCVN3 lost the capitals of accented initials; in a name every word starts with a capital. */
function capitaliseWords(text: string): string {
  const words = text.split(' ');
  const asciiInitials = words.filter((w) => /^[a-zA-Z]/.test(w));
  if (!asciiInitials.length || !asciiInitials.every((w) => /^[A-Z]/.test(w))) return text;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

// Vietnamese syllables: onset, vowel nucleus, coda (tone marks removed first). Nuclei that end in
// a semivowel (ai, ao, iêu …) and ia/ua/ưa take no coda; ă, â, iê, uô, ươ … must have one.
const ONSET = '(?:ngh|ng|nh|ch|tr|th|ph|kh|gh|gi|qu|[bcdđghklmnprstvx])?';
const CLOSED = '(?:oai|oay|oao|oeo|uây|uôi|uyu|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|ya|y)';
const NEEDS_CODA = '(?:uyê|iê|yê|uô|ươ|oă|uâ|oo|ă|â)';
const OPEN = '(?:oa|oe|uê|uy|uơ|[aeêioôơuư])';
const CODA = '(?:ch|nh|ng|[cmnpt])';
const SYLLABLE = new RegExp(`^${ONSET}(?:${CLOSED}|${NEEDS_CODA}${CODA}|${OPEN}${CODA}?)$`);

function toneless(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '').normalize('NFC');
}

/** Words already judged (names repeat their syllables: Nguyễn, Thị, Văn …); emptied when full. */
const syllables = new Map<string, boolean>();
const SYLLABLES_KEPT = 50_000;

function isSyllable(word: string): boolean {
  let yes = syllables.get(word);
  if (yes === undefined) {
    if (syllables.size >= SYLLABLES_KEPT) syllables.clear();
    syllables.set(word, (yes = SYLLABLE.test(toneless(word))));
  }
  return yes;
}

const WORD_BREAK = /[^\p{L}]+/u;

/** Words already judged as words of Vietnamese text (names repeat them); emptied when full. */
const goodWords = new Map<string, boolean>();

/** A word of Vietnamese text: no capital after its first letter when it has small letters ("NguyÔn",
 * "YÕn" are not), and, when it has a non-ASCII letter, a possible syllable. */
function goodWord(word: string): boolean {
  let yes = goodWords.get(word);
  if (yes === undefined) {
    if (goodWords.size >= SYLLABLES_KEPT) goodWords.clear();
    const capitalInside = /\p{Ll}/u.test(word) && /\p{Lu}/u.test(word.slice(1));
    goodWords.set(word, (yes = !capitalInside && (!/[^\p{ASCII}]/u.test(word) || isSyllable(word))));
  }
  return yes;
}

/**
 * Reads as Vietnamese text in Unicode: only Vietnamese letters, no capital inside a word, every
 * word a possible syllable. A legacy-encoded string that passes this cannot be told from real
 * text (and the fixture generator does not make such cells).
 */
export function isVietnameseText(text: string): boolean {
  if (!allIn(text, VIET)) return false;
  for (const w of text.split(WORD_BREAK)) if (w && !goodWord(w)) return false;
  return true;
}

/**
 * Which legacy encoding a cell's text is in, if any. Text that reads as Vietnamese Unicode is left
 * alone; otherwise the encoding whose decoding reads as Vietnamese is the answer.
 */
export function detectLegacy(text: string): LegacyEncoding | null {
  if (!/[\u0080-\u00ff]/.test(text)) return null;
  if (isVietnameseText(text)) return null;
  const readings = (['tcvn3', 'vni'] as const)
    .filter((enc) => allIn(text, enc === 'vni' ? VNI_CODES : TCVN3_CODES))
    .map((enc) => ({ enc, ...decodeCounting(text, enc) }))
    .filter((r) => isVietnameseText(r.enc === 'tcvn3' ? capitaliseWords(r.text.normalize('NFC')) : r.text.normalize('NFC')));
  if (readings.length < 2) return readings[0]?.enc ?? null;
  // both read as Vietnamese: VNI writes most accented vowels as vowel + mark, TCVN3 as one byte;
  // take VNI when such pairs explain at least half the non-ASCII characters
  const nonAscii = [...text].filter((c) => c > '\u007f').length;
  const vni = readings.find((r) => r.enc === 'vni')!;
  return vni.pairs > 0 && vni.pairs * 2 >= nonAscii ? 'vni' : 'tcvn3';
}

/** The text decoded from `enc` reads as Vietnamese (used to keep generated cases unambiguous). */
export function readsAsVietnamese(text: string, enc: LegacyEncoding): boolean {
  const allowed = enc === 'vni' ? VNI_CODES : TCVN3_CODES;
  if (!allIn(text, allowed)) return false;
  const decoded = decodeWith(text, enc).normalize('NFC');
  return isVietnameseText(enc === 'tcvn3' ? capitaliseWords(decoded) : decoded);
}

/** Decode a legacy-encoded cell to Unicode NFC. */
export function decodeLegacy(text: string, enc: LegacyEncoding): string {
  const decoded = decodeWith(text, enc).normalize('NFC');
  return enc === 'tcvn3' ? capitaliseWords(decoded) : decoded;
}
