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

function decodeWith(text: string, enc: LegacyEncoding): string {
  const codes = DECODE[enc];
  let out = '';
  for (let i = 0; i < text.length;) {
    const hit = codes.find(([e]) => text.startsWith(e, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else out += text[i++];
  }
  return out;
}

// letters of Vietnamese in Unicode (NFC), beyond ASCII
const VIET = new Set('àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'.split('').flatMap((c) => [c, c.toUpperCase()]));
const TCVN3_CODES = new Set(Object.values(TCVN3));
const VNI_CODES = new Set(Object.values(VNI).flatMap((v) => v.split('')).filter((c) => c > '\u007f'));

function allIn(text: string, allowed: Set<string>): boolean {
  for (const ch of text) if (ch > '\u007f' && !allowed.has(ch)) return false;
  return true;
}

/** An upper-case accented Latin-1 letter inside a lower-case word: "NguyÔn", "ThÞ". */
function capitalInsideWord(text: string): boolean {
  return /\p{Ll}[\u00c0-\u00de]/u.test(text);
}

/** TCVN3 lost the capitals of accented initials; in a name every word starts with a capital. */
function capitaliseWords(text: string): string {
  const words = text.split(' ');
  const asciiInitials = words.filter((w) => /^[a-zA-Z]/.test(w));
  if (!asciiInitials.length || !asciiInitials.every((w) => /^[A-Z]/.test(w))) return text;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

// Vietnamese syllables: onset, vowel cluster, coda (tone marks removed first)
const ONSET = '(?:ngh|ng|nh|ch|tr|th|ph|kh|gh|gi|qu|[bcdđghklmnprstvx])?';
const NUCLEUS = '(?:oai|oay|oao|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|ya|yê|[aăâeêioôơuưy])';
const CODA = '(?:ch|nh|ng|[cmnpt])?';
const SYLLABLE = new RegExp(`^${ONSET}${NUCLEUS}${CODA}$`);

function toneless(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '').normalize('NFC');
}

/** Every word with a non-ASCII letter is a possible Vietnamese syllable. */
function plausible(text: string): boolean {
  const words = text.split(/[^\p{L}]+/u).filter(Boolean);
  return words.every((w) => !/[^\u0000-\u007f]/.test(w) || SYLLABLE.test(toneless(w)));
}

/**
 * Which legacy encoding a cell's text is in, if any. Text that reads as Vietnamese Unicode is left
 * alone; otherwise the encoding whose decoding gives Vietnamese syllables is the answer.
 */
export function detectLegacy(text: string): LegacyEncoding | null {
  if (!/[\u0080-\u00ff]/.test(text)) return null;
  if (allIn(text, VIET) && !capitalInsideWord(text) && plausible(text)) return null;
  const readings = (['vni', 'tcvn3'] as const)
    .filter((enc) => allIn(text, enc === 'vni' ? VNI_CODES : TCVN3_CODES))
    .map((enc) => ({ enc, decoded: decodeWith(text, enc).normalize('NFC') }))
    .filter((r) => allIn(r.decoded, VIET) && plausible(r.decoded));
  return readings[0]?.enc ?? null;
}

/** Decode a legacy-encoded cell to Unicode NFC. */
export function decodeLegacy(text: string, enc: LegacyEncoding): string {
  const decoded = decodeWith(text, enc).normalize('NFC');
  return enc === 'tcvn3' ? capitaliseWords(decoded) : decoded;
}
