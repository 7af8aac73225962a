//! Features of the tokens of a reference string, hashed to 32-bit ids.
//!
//! Each token gets the same templates (word, shape, separators, dictionary
//! class, string state, neighbours); a feature is the hash of its template
//! and value, so no feature dictionary is stored: the model maps a hash to
//! a bucket of its weight table. Change a template and the model must be
//! retrained; [`VERSION`] is written into the model file to catch that.

use super::token::{Token, TokenKind};

/// Version of the feature templates; the model file records the version it
/// was trained with.
pub const VERSION: u32 = 6;

/// Classes of the separator between two tokens (see [`link_class`]); the
/// model has a label-transition matrix for each, on top of the plain one.
pub const LINK_CLASSES: usize = 128;

/// The features of every token of a string: token `i`'s ids are
/// `ids[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Start of each token's ids in `ids`, plus the end.
    pub offsets: Vec<u32>,
    /// Hashed feature ids.
    pub ids: Vec<u32>,
    /// The class of the separator before each token (0 for the first).
    pub links: Vec<u8>,
}

impl Features {
    /// The ids of token `i`.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Computes the features of the tokens of `text`.
pub fn extract(text: &str, tokens: &[Token]) -> Features {
    let infos: Vec<Info> = describe(text, tokens);
    let n = infos.len();
    let mut features = Features {
        offsets: Vec::with_capacity(n + 1),
        ids: Vec::with_capacity(n * 66),
        links: Vec::with_capacity(n),
    };
    for (i, token) in tokens.iter().enumerate() {
        let gap_start = if i == 0 { token.start } else { tokens[i - 1].end };
        features.links.push(link_class(&text[gap_start..token.start]));
    }
    let none = Info::boundary();
    let at = |i: isize| -> &Info {
        if i < 0 || i as usize >= n { &none } else { &infos[i as usize] }
    };
    for (i, cur) in infos.iter().enumerate() {
        features.offsets.push(features.ids.len() as u32);
        let sink = &mut features.ids;
        let ii = i as isize;
        let (p1, p2, n1, n2) = (at(ii - 1), at(ii - 2), at(ii + 1), at(ii + 2));
        let mut push = |template: u64, value: u64| sink.push(feature(template, value));

        push(0, 0);
        push(1, cur.lower);
        push(2, cur.shape);
        push(3, cur.short_shape);
        push(4, cur.prefix2);
        push(5, cur.prefix3);
        push(6, cur.suffix2);
        push(7, cur.suffix3);
        push(8, cur.kind as u64 * 16 + cur.length_bucket as u64);
        push(9, cur.number_class as u64);
        push(10, cur.dict as u64);
        push(11, p1.dict as u64);
        push(12, n1.dict as u64);
        push(13, p1.lower);
        push(14, p2.lower);
        push(15, n1.lower);
        push(16, n2.lower);
        push(17, p1.shape);
        push(18, n1.shape);
        push(19, p2.short_shape);
        push(20, n2.short_shape);
        push(21, mix(p1.lower, cur.lower));
        push(22, mix(cur.lower, n1.lower));
        push(23, cur.before);
        push(24, cur.after);
        push(25, mix(cur.before, cur.short_shape));
        push(26, mix(cur.after, cur.short_shape));
        push(27, mix(cur.before, cur.after));
        push(28, p1.before);
        push(29, n1.after);
        push(30, mix(cur.before, cur.lower));
        push(31, mix(cur.after, cur.lower));
        let state = cur.state;
        push(32, state.nesting as u64);
        push(33, state.flags as u64);
        push(34, state.breaks as u64);
        push(35, state.commas as u64);
        push(36, state.position as u64);
        push(37, state.relative as u64);
        push(38, mix(state.breaks as u64, cur.short_shape));
        push(39, mix(state.flags as u64, state.breaks as u64));
        push(40, mix(state.nesting as u64, cur.short_shape));
        push(41, mix(state.relative as u64, cur.short_shape));
        push(42, mix(state.flags as u64, cur.dict as u64));
        push(43, cur.chunk as u64);
        push(44, mix(cur.chunk as u64, cur.lower));
        push(45, mix(state.nesting as u64, cur.number_class as u64));
        push(46, mix(state.flags as u64, cur.number_class as u64));
        push(47, mix(mix(p1.short_shape, cur.before), cur.short_shape));
        push(48, mix(mix(cur.short_shape, cur.after), n1.short_shape));
        push(49, mix(state.breaks as u64, cur.dict as u64));
        push(50, mix(state.relative as u64, cur.number_class as u64));
        push(51, mix(p1.dict as u64 * 64 + cur.dict as u64, n1.dict as u64));
        let block = cur.block;
        push(52, block.mask as u64);
        push(53, block.next_mask as u64);
        push(54, block.previous_mask as u64);
        push(55, (block.length as u64) << 8 | block.position as u64);
        push(56, (block.after as u64) << 8 | block.ahead as u64);
        push(57, mix(block.mask as u64, cur.short_shape));
        push(58, mix((block.after as u64) << 8 | state.breaks as u64, cur.short_shape));
        push(59, mix(block.next_mask as u64, block.position as u64));
        push(60, mix(block.ahead as u64, state.flags as u64));
        push(61, (block.capitals as u64) << 8 | block.position as u64);
        push(62, mix(block.capitals as u64, block.mask as u64));
        push(63, (block.year_distance as u64) << 8 | cur.number_class as u64);
        push(64, block.first_word);
        push(65, mix(block.previous_last_word, block.position as u64));
        push(66, cur.chunk_shape);
        push(67, mix(cur.chunk_shape, cur.chunk_position as u64));
        push(68, mix(cur.chunk_shape, p1.chunk_shape));
        let (p3, n3) = (at(ii - 3), at(ii + 3));
        push(69, p3.lower);
        push(70, n3.lower);
        push(71, cur.prefix4);
        push(72, cur.suffix4);
        push(73, mix(p2.lower, p1.lower));
        push(74, mix(n1.lower, n2.lower));
    }
    features.offsets.push(features.ids.len() as u32);
    features
}

/// What the features of one token are made of (hashes and small classes).
#[derive(Debug, Clone, Copy)]
struct Info {
    lower: u64,
    shape: u64,
    short_shape: u64,
    prefix2: u64,
    prefix3: u64,
    suffix2: u64,
    suffix3: u64,
    prefix4: u64,
    suffix4: u64,
    /// The separator before the token, normalised (see [`separator`]).
    before: u64,
    /// The separator after the token.
    after: u64,
    kind: u8,
    length_bucket: u8,
    number_class: u8,
    dict: u8,
    chunk: u8,
    chunk_shape: u64,
    chunk_position: u8,
    state: State,
    /// Whether a sentence break comes before the token (it starts a block).
    starts_block: bool,
    /// 0 short or not letters, 1 a capitalised word of 4+ letters, 2 a lower-case one.
    capital: u8,
    block: Block,
}

/// The sentence-like block a token is in (blocks end at sentence breaks)
/// and what the rest of the string holds.
#[derive(Debug, Clone, Copy, Default)]
struct Block {
    /// What the block holds: bits of [`block_bits`].
    mask: u16,
    /// The same for the next block and the previous one.
    next_mask: u16,
    previous_mask: u16,
    /// Tokens in the block, bucketed.
    length: u8,
    /// 0 first token, 1 second, 2 inside, 3 last.
    position: u8,
    /// Blocks after this one, capped.
    after: u8,
    /// Bits: a year, a quotation mark, "In", a URL or DOI later in the string.
    ahead: u8,
    /// Share of capitalised words among the block's words of 4+ letters:
    /// 0 none such words, 1 to 4 quarters rising.
    capitals: u8,
    /// Tokens to the nearest year before or after, bucketed; signed by side.
    year_distance: u8,
    /// The lower-cased first word of the block.
    first_word: u64,
    /// The lower-cased last word of the previous block.
    previous_last_word: u64,
}

impl Info {
    /// The stand-in for the neighbour of the first or last token.
    fn boundary() -> Info {
        let edge = hash_bytes(b"<edge>");
        Info {
            lower: edge,
            shape: edge,
            short_shape: edge,
            prefix2: edge,
            prefix3: edge,
            suffix2: edge,
            suffix3: edge,
            prefix4: edge,
            suffix4: edge,
            before: edge,
            after: edge,
            kind: 15,
            length_bucket: 0,
            number_class: 0,
            dict: 63,
            chunk: 0,
            chunk_shape: edge,
            chunk_position: 0,
            state: State::default(),
            starts_block: false,
            capital: 0,
            block: Block::default(),
        }
    }
}

/// Where a token stands in the string.
#[derive(Debug, Clone, Copy, Default)]
struct State {
    /// Bits: inside parentheses, brackets, double quotes, CJK title brackets.
    nesting: u8,
    /// Bits: after "In", after a colon, after a year, after an editor word,
    /// after a quotation, first token, last token.
    flags: u8,
    /// Sentence breaks (". " after a word of 3+ letters or a number) so far, capped.
    breaks: u8,
    /// Commas so far, capped.
    commas: u8,
    /// Token index, bucketed.
    position: u8,
    /// Token index relative to the length, in tenths.
    relative: u8,
}

const IN_PARENS: u8 = 1;
const IN_BRACKETS: u8 = 2;
const IN_QUOTES: u8 = 4;
const IN_CJK_QUOTES: u8 = 8;

const AFTER_IN: u8 = 1;
const AFTER_COLON: u8 = 2;
const AFTER_YEAR: u8 = 4;
const AFTER_EDITOR_WORD: u8 = 8;
const AFTER_QUOTE: u8 = 16;
const FIRST: u8 = 32;
const LAST: u8 = 64;

fn describe(text: &str, tokens: &[Token]) -> Vec<Info> {
    let n = tokens.len();
    let mut infos = Vec::with_capacity(n);
    let chunks = chunk_classes(text, tokens);
    let mut nesting = 0u8;
    let (mut parens, mut brackets) = (0u32, 0u32);
    let mut flags = 0u8;
    let mut breaks = 0u8;
    let mut commas = 0u8;
    let mut lower = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let gap_start = if i == 0 { 0 } else { tokens[i - 1].end };
        let gap = &text[gap_start..token.start];
        let next_gap =
            &text[token.end..tokens.get(i + 1).map_or(text.len(), |t| t.start)];
        // Update the state with the separator before this token.
        for c in gap.chars() {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                '"' => {
                    if nesting & IN_QUOTES != 0 {
                        flags |= AFTER_QUOTE;
                    }
                    nesting ^= IN_QUOTES;
                }
                '“' | '«' | '„' => nesting |= IN_QUOTES,
                '”' | '»' => {
                    nesting &= !IN_QUOTES;
                    flags |= AFTER_QUOTE;
                }
                '「' | '『' | '《' | '〈' => nesting |= IN_CJK_QUOTES,
                '」' | '』' | '》' | '〉' => nesting &= !IN_CJK_QUOTES,
                ',' | '，' | '、' => commas = commas.saturating_add(1),
                ':' | '：' => flags |= AFTER_COLON,
                _ => {}
            }
        }
        let mut starts_block = i == 0;
        if i > 0 {
            let previous = &tokens[i - 1];
            let previous_len = text[previous.start..previous.end].chars().count();
            let is_break = gap.contains(['.', '?', '!', '。'])
                && (previous_len >= 3 || previous.kind != TokenKind::Letters);
            if is_break {
                breaks = breaks.saturating_add(1);
                starts_block = true;
            }
        }
        nesting = (nesting & !(IN_PARENS | IN_BRACKETS))
            | if parens > 0 { IN_PARENS } else { 0 }
            | if brackets > 0 { IN_BRACKETS } else { 0 };
        let word = &text[token.start..token.end];
        lower.clear();
        if word.is_ascii() {
            lower.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let dict = dictionary_class(&lower, token.kind);
        let number_class = number_class(word, token.kind, next_gap);
        let mut token_flags = flags;
        if i == 0 {
            token_flags |= FIRST;
        }
        if i + 1 == n {
            token_flags |= LAST;
        }
        let state = State {
            nesting,
            flags: token_flags,
            breaks: breaks.min(6),
            commas: commas.min(8),
            position: position_bucket(i),
            relative: ((i * 10) / n.max(1)) as u8,
        };
        let (shape, short_shape) = shapes(word);
        let chars: Vec<char> = lower.chars().collect();
        let prefix = |k: usize| hash_chars(&chars[..k.min(chars.len())]);
        let suffix = |k: usize| hash_chars(&chars[chars.len().saturating_sub(k)..]);
        infos.push(Info {
            lower: hash_bytes(lower.as_bytes()),
            shape,
            short_shape,
            prefix2: prefix(2),
            prefix3: prefix(3),
            suffix2: suffix(2),
            suffix3: suffix(3),
            prefix4: prefix(4),
            suffix4: suffix(4),
            before: separator(gap, i == 0, false),
            after: separator(next_gap, false, i + 1 == n),
            kind: token.kind as u8,
            length_bucket: match chars.len() {
                0..=4 => chars.len() as u8,
                5..=7 => 5,
                8..=12 => 6,
                _ => 7,
            },
            number_class,
            dict,
            chunk: chunks[i].class,
            chunk_shape: chunks[i].shape,
            chunk_position: chunks[i].position,
            state,
            starts_block,
            capital: if token.kind == TokenKind::Letters && chars.len() >= 4 {
                if word.starts_with(char::is_uppercase) { 1 } else { 2 }
            } else {
                0
            },
            block: Block::default(),
        });
        // Update the flags with this token for the tokens after it.
        if number_class == NUMBER_YEAR {
            flags |= AFTER_YEAR;
        }
        match dict {
            DICT_IN if !next_gap.contains('.') => flags |= AFTER_IN,
            DICT_EDITOR => flags |= AFTER_EDITOR_WORD,
            _ => {}
        }
    }
    describe_blocks(text, tokens, &mut infos);
    infos
}

/// Fills in [`Block`]: what each block holds, and what lies ahead.
fn describe_blocks(text: &str, tokens: &[Token], infos: &mut [Info]) {
    let n = infos.len();
    // Block boundaries: start index of each block.
    let starts: Vec<usize> = (0..n).filter(|&i| infos[i].starts_block).collect();
    let masks: Vec<u16> = starts
        .iter()
        .enumerate()
        .map(|(b, &start)| {
            let end = starts.get(b + 1).copied().unwrap_or(n);
            infos[start..end].iter().fold(0, |mask, info| mask | block_bits(info))
        })
        .collect();
    let capitals: Vec<u8> = starts
        .iter()
        .enumerate()
        .map(|(b, &start)| {
            let end = starts.get(b + 1).copied().unwrap_or(n);
            let words = infos[start..end].iter().filter(|i| i.capital != 0).count();
            let upper = infos[start..end].iter().filter(|i| i.capital == 1).count();
            if words == 0 { 0 } else { 1 + ((upper * 4) / (words + 1)).min(3) as u8 }
        })
        .collect();
    let years: Vec<usize> =
        (0..n).filter(|&i| infos[i].number_class == NUMBER_YEAR).collect();
    let edge = hash_bytes(b"<edge>");
    let infos_lower: Vec<u64> = infos.iter().map(|info| info.lower).collect();
    let mut ahead = 0u8;
    let mut block_idx = starts.len();
    for i in (0..n).rev() {
        while block_idx > 0 && starts[block_idx - 1] > i {
            block_idx -= 1;
        }
        let b = block_idx - 1;
        let (start, end) = (starts[b], starts.get(b + 1).copied().unwrap_or(n));
        let length = end - start;
        let info = &mut infos[i];
        info.block = Block {
            mask: masks[b],
            next_mask: masks.get(b + 1).copied().unwrap_or(0x8000),
            previous_mask: if b > 0 { masks[b - 1] } else { 0x8000 },
            length: match length {
                0..=3 => length as u8,
                4..=6 => 4,
                7..=12 => 5,
                _ => 6,
            },
            position: if i == start {
                0
            } else if i + 1 == end {
                3
            } else if i == start + 1 {
                1
            } else {
                2
            },
            after: (starts.len() - 1 - b).min(6) as u8,
            ahead,
            capitals: capitals[b],
            year_distance: year_distance(&years, i),
            first_word: infos_lower[start],
            previous_last_word: if start > 0 { infos_lower[start - 1] } else { edge },
        };
        if info.number_class == NUMBER_YEAR {
            ahead |= 1;
        }
        if info.dict == DICT_IN {
            ahead |= 4;
        }
        if info.chunk & 3 != 0 {
            ahead |= 8;
        }
        let gap_start = if i == 0 { 0 } else { tokens[i - 1].end };
        if text[gap_start..tokens[i].start].contains(['"', '“', '”', '«', '»']) {
            ahead |= 2;
        }
    }
}

/// The distance from token `i` to the nearest year token, bucketed, with
/// 8 added when that year comes after it; 15 when there is no year.
fn year_distance(years: &[usize], i: usize) -> u8 {
    let bucket = |d: usize| match d {
        0..=2 => d as u8,
        3..=5 => 3,
        6..=10 => 4,
        _ => 5,
    };
    let next = years.partition_point(|&y| y < i);
    let after = years.get(next).map(|&y| y - i);
    let before = next.checked_sub(1).map(|p| i - years[p]);
    match (before, after) {
        (Some(b), Some(a)) if a < b => 8 + bucket(a),
        (Some(b), _) => bucket(b),
        (None, Some(a)) => 8 + bucket(a),
        (None, None) => 15,
    }
}

/// The bits a token adds to its block's mask.
fn block_bits(info: &Info) -> u16 {
    let mut bits = match info.dict {
        1 => 1 << 11,
        DICT_IN => 1 << 9,
        DICT_EDITOR => 1 << 3,
        4..=6 => 1 << 2,
        7 => 1 << 12,
        8 => 1 << 4,
        9 => 1 << 5,
        10 | 11 => 1 << 6,
        12 => 1 << 7,
        13 => 1 << 8,
        16..=18 => 1 << 10,
        _ => 0,
    };
    match info.number_class {
        0 => {}
        NUMBER_YEAR => bits |= 1,
        _ => bits |= 2,
    }
    if info.chunk & 3 != 0 {
        bits |= 1 << 10;
    }
    bits
}

fn position_bucket(i: usize) -> u8 {
    match i {
        0..=5 => i as u8,
        6..=8 => 6,
        9..=12 => 7,
        13..=20 => 8,
        21..=35 => 9,
        _ => 10,
    }
}

/// A separator (the text between two tokens) normalised: runs of white
/// space become one `_`, quote and dash variants fold together, at most
/// four characters are kept; `^` and `$` mark the start and end.
fn separator(gap: &str, at_start: bool, at_end: bool) -> u64 {
    let mut out = [0u8; 8];
    let mut len = 0;
    let mut push = |b: u8, out: &mut [u8; 8]| {
        if len < 6 && !(b == b'_' && len > 0 && out[len - 1] == b'_') {
            out[len] = b;
            len += 1;
        }
    };
    if at_start {
        push(b'^', &mut out);
    }
    for c in gap.chars().take(8) {
        let b = match c {
            c if c.is_whitespace() => b'_',
            '"' | '“' | '”' | '„' | '«' | '»' | '\'' | '‘' | '’' | '`' => {
                b'q'
            }
            '-' | '–' | '—' | '‐' | '‑' | '−' => b'-',
            '(' | '[' | '{' | ')' | ']' | '}' | '.' | ',' | ':' | ';' | '/' | '&'
            | '?' | '!' | '#' | '@' | '=' | '+' | '*' | '<' | '>' | '%' => c as u8,
            '，' | '、' => b',',
            '。' => b'.',
            '：' => b':',
            '「' | '『' | '《' | '〈' | '（' => b'(',
            '」' | '』' | '》' | '〉' | '）' => b')',
            _ => b'o',
        };
        push(b, &mut out);
    }
    if at_end {
        push(b'$', &mut out);
    }
    hash_bytes(&out[..len])
}

/// The class of a separator: bit 0 white space, 1 a period, 2 a comma,
/// 3 a colon or semicolon, 4 an opening bracket, 5 a closing one, 6
/// anything else (quotes, dashes, slashes, ...).
pub fn link_class(gap: &str) -> u8 {
    let mut class = 0u8;
    for c in gap.chars() {
        class |= match c {
            c if c.is_whitespace() => 1,
            '.' | '。' => 2,
            ',' | '，' | '、' => 4,
            ':' | ';' | '：' => 8,
            '(' | '[' | '{' | '（' | '「' | '『' | '《' | '〈' => 16,
            ')' | ']' | '}' | '）' | '」' | '』' | '》' | '〉' => 32,
            _ => 64,
        };
    }
    class
}

/// The shape (`Xxxx`, `dddd`, `X`; runs capped at four) and the short shape
/// (runs collapsed: `Xx`, `d`, `X`).
fn shapes(word: &str) -> (u64, u64) {
    let mut shape = [0u8; 16];
    let mut short = [0u8; 8];
    let (mut shape_len, mut short_len, mut run) = (0, 0, 0);
    for c in word.chars() {
        let class = if c.is_ascii_digit() || c.is_numeric() {
            b'd'
        } else if c.is_uppercase() {
            b'X'
        } else if c.is_lowercase() {
            b'x'
        } else {
            b'c'
        };
        if short_len > 0 && short[short_len - 1] == class {
            run += 1;
        } else {
            run = 1;
            if short_len < short.len() {
                short[short_len] = class;
                short_len += 1;
            }
        }
        if run <= 4 && shape_len < shape.len() {
            shape[shape_len] = class;
            shape_len += 1;
        }
    }
    (hash_bytes(&shape[..shape_len]), hash_bytes(&short[..short_len]) ^ 0x5bd1e995)
}

const NUMBER_YEAR: u8 = 1;

/// Classes of numbers: a year (1800-2029), its length otherwise, and
/// whether it is followed by a letter suffix (`2015a` is a year too).
fn number_class(word: &str, kind: TokenKind, _next_gap: &str) -> u8 {
    if kind != TokenKind::Digits {
        return 0;
    }
    if !word.is_ascii() {
        return 20;
    }
    let value: u64 = word.parse().unwrap_or(u64::MAX);
    match word.len() {
        4 if (1800..=2029).contains(&value) => NUMBER_YEAR,
        4 => 2,
        1 | 2 if word.starts_with('0') => 3,
        1 | 2 if value <= 12 => 4,
        1 | 2 if value <= 31 => 5,
        1 | 2 => 6,
        3 => 7,
        5 | 6 => 8,
        _ => 9,
    }
}

const DICT_IN: u8 = 2;
const DICT_EDITOR: u8 = 3;

/// The dictionary class of a lower-cased word (0: none).
fn dictionary_class(lower: &str, kind: TokenKind) -> u8 {
    if kind != TokenKind::Letters {
        return 0;
    }
    match lower {
        "january" | "february" | "march" | "april" | "may" | "june" | "july"
        | "august" | "september" | "october" | "november" | "december" | "jan"
        | "feb" | "mar" | "apr" | "jun" | "jul" | "aug" | "sep" | "sept" | "oct"
        | "nov" | "dec" | "spring" | "summer" | "autumn" | "fall" | "winter"
        | "janvier" | "février" | "mars" | "avril" | "mai" | "juin" | "juillet"
        | "août" | "septembre" | "octobre" | "novembre" | "décembre" | "januar"
        | "februar" | "märz" | "juni" | "juli" | "oktober" | "dezember" => 1,
        "in" | "dans" | "im" | "en" => DICT_IN,
        "ed" | "eds" | "editor" | "editors" | "edited" | "hrsg" | "hg" | "dir"
        | "coord" | "cura" => DICT_EDITOR,
        "pp" | "p" | "pg" | "pgs" | "page" | "pages" | "s" | "ss" | "seiten" => 4,
        "vol" | "vols" | "volume" | "volumes" | "bd" | "band" | "tome" | "t" => 5,
        "no" | "nos" | "nr" | "number" | "issue" | "heft" | "n" | "num" => 6,
        "edn" | "edition" | "aufl" | "auflage" | "rev" | "revised" | "nd" | "rd"
        | "th" | "st" => 7,
        "proc" | "proceedings" | "conference" | "conf" | "symposium" | "symp"
        | "workshop" | "meeting" | "congress" | "colloquium" | "annual"
        | "international" | "intl" | "int" | "convention" | "summit" => 8,
        "journal" | "j" | "review" | "transactions" | "trans" | "letters" | "lett"
        | "annals" | "ann" | "bulletin" | "bull" | "magazine" | "quarterly" | "acta"
        | "zeitschrift" | "phys" | "chem" | "soc" | "sci" | "res" | "am" | "nature"
        | "science" | "physica" | "nucl" | "math" | "astrophys" | "biol" | "med"
        | "rivista" | "revue" | "studies" | "jour" | "newsletter" | "archives"
        | "arch" => 9,
        "press" | "publishers" | "publisher" | "publishing" | "publ" | "pub"
        | "verlag" | "books" | "springer" | "wiley" | "elsevier" | "academic"
        | "kluwer" | "ltd" | "inc" | "co" | "company" | "gmbh" | "editions"
        | "éditions" | "editore" | "editrice" | "pergamon" | "routledge"
        | "blackwell" | "sage" | "macmillan" | "mcgraw" | "hill" | "addison"
        | "wesley" | "prentice" | "hall" | "dover" | "norton" | "penguin" | "harper"
        | "brill" | "reidel" | "plenum" | "birkhäuser" | "ieee" | "acm" | "siam"
        | "aip" | "verl" => 10,
        "university" | "univ" | "universität" | "université" | "università"
        | "universidad" | "institute" | "inst" | "institut" | "istituto" | "college"
        | "school" | "laboratory" | "lab" | "department" | "dept" | "center"
        | "centre" | "foundation" | "council" | "ministry" | "office" | "bureau"
        | "agency" | "association" | "society" | "academy" => 11,
        "new" | "york" | "london" | "berlin" | "paris" | "cambridge" | "oxford"
        | "boston" | "chicago" | "amsterdam" | "tokyo" | "princeton" | "san"
        | "francisco" | "washington" | "heidelberg" | "dordrecht" | "leipzig"
        | "moscow" | "roma" | "rome" | "milano" | "milan" | "torino" | "firenze"
        | "bologna" | "napoli" | "madrid" | "barcelona" | "wien" | "vienna"
        | "munich" | "münchen" | "stuttgart" | "zurich" | "zürich" | "basel"
        | "geneva" | "genève" | "ma" | "ny" | "ca" | "nj" | "il" | "pa" | "md"
        | "usa" | "uk" | "philadelphia" | "baltimore" | "englewood" | "cliffs"
        | "reading" | "mass" | "hillsdale" | "mahwah" | "thousand" | "oaks" | "los"
        | "angeles" | "beijing" | "seoul" | "toronto" | "montreal" | "sydney"
        | "melbourne" | "singapore" | "hong" | "kong" | "delhi" | "leiden" | "haven"
        | "berkeley" | "stanford" | "ithaca" | "urbana" | "lyon" | "bruxelles"
        | "brussels" | "göttingen" | "frankfurt" | "hamburg" | "bonn" | "venezia"
        | "pisa" | "padova" | "bari" | "città" | "vaticano" | "edinburgh" | "glasgow"
        | "dublin" | "copenhagen" | "stockholm" | "oslo" | "helsinki" | "warsaw"
        | "prague" | "budapest" | "singapur" | "pittsburgh" | "minneapolis"
        | "austin" | "seattle" | "atlanta" | "redmond" | "jose" | "menlo" | "park"
        | "palo" | "alto" | "murray" | "upper" | "saddle" | "river" | "norwood"
        | "greenwich" | "dc" | "tx" | "ct" | "wa" | "mi" | "oh" | "ga" | "va"
        | "germany" | "france" | "italy" | "japan" | "china" | "korea"
        | "netherlands" | "switzerland" | "canada" | "australia" | "spain" => 12,
        "thesis" | "dissertation" | "phd" | "ph" | "master" | "masters" | "msc"
        | "ms" | "report" | "tech" | "technical" | "tr" | "memo" | "memorandum"
        | "manuscript" | "preprint" | "unpublished" | "submitted" | "draft"
        | "working" | "paper" | "doctoral" | "diss" | "habilitation" | "lecture"
        | "notes" | "abstract" | "appear" | "forthcoming" | "personal"
        | "communication" => 13,
        "and" | "et" | "al" | "und" | "e" | "y" | "&" => 14,
        "von" | "van" | "de" | "der" | "den" | "da" | "di" | "du" | "la" | "le"
        | "del" | "della" | "dos" | "das" | "ten" | "ter" => 15,
        "http" | "https" | "www" | "org" | "com" | "html" | "htm" | "pdf" | "edu"
        | "gov" | "net" => 16,
        "doi" | "dx" => 17,
        "retrieved" | "available" | "accessed" | "url" | "online" | "from" | "at"
        | "viewed" | "cited" => 18,
        "arxiv" | "pmid" | "pmc" | "issn" | "eprint" | "hep" | "astro" | "cond"
        | "mat" | "quant" | "gr" | "qc" | "lat" => 19,
        "isbn" => 20,
        "the" | "of" | "a" | "an" | "on" | "for" | "to" | "with" | "by" | "as" | "is"
        | "are" | "its" | "their" | "towards" | "toward" | "via" | "using"
        | "between" | "under" | "into" | "through" | "about" | "how" | "what" | "why"
        | "when" => 21,
        "trad" | "transl" | "translated" | "translator" | "übers" => 22,
        "chap" | "chapter" | "ch" | "art" | "article" | "sec" | "section" | "part"
        | "suppl" | "supplement" => 23,
        _ => 0,
    }
}

/// Classes of the white-space-delimited chunk a token is in: URL, DOI,
/// e-mail, arXiv identifier, ISBN-like digit groups.
fn chunk_classes(text: &str, tokens: &[Token]) -> Vec<Chunk> {
    let mut classes = vec![Chunk::default(); tokens.len()];
    let mut token_idx = 0;
    let mut offset = 0;
    for chunk in text.split(|c: char| c.is_whitespace()) {
        let (start, end) = (offset, offset + chunk.len());
        // Advance past the separator character (its byte length).
        offset = end + text[end..].chars().next().map_or(0, char::len_utf8);
        if chunk.is_empty() {
            continue;
        }
        let class = chunk_class(chunk);
        let shape = chunk_shape(chunk);
        let first = token_idx;
        while token_idx < tokens.len() && tokens[token_idx].start < end {
            if tokens[token_idx].start >= start {
                classes[token_idx] = Chunk { class, shape, position: 0 };
            }
            token_idx += 1;
        }
        // Place in the chunk: 1 first, 2 inside, 3 last, 0 the only token.
        if token_idx > first + 1 {
            for (k, chunk) in classes[first..token_idx].iter_mut().enumerate() {
                chunk.position = if k == 0 {
                    1
                } else if first + k + 1 == token_idx {
                    3
                } else {
                    2
                };
            }
        }
    }
    classes
}

/// What a token learns from its white-space-delimited chunk.
#[derive(Debug, Clone, Copy, Default)]
struct Chunk {
    class: u8,
    /// Hash of the chunk's shape (see [`chunk_shape`]).
    shape: u64,
    /// 0 the chunk's only token, 1 its first, 2 inside, 3 its last.
    position: u8,
}

/// The shape of a chunk: runs of digits become `d`, runs of upper-case
/// letters `X`, of other letters `x`, punctuation stays; at most twelve
/// characters (`44(1)` → `d(d)`, `pp.334-344,` → `x.d-d,`).
fn chunk_shape(chunk: &str) -> u64 {
    let mut out = [0u8; 12];
    let mut len = 0;
    for c in chunk.chars() {
        let b = if c.is_numeric() {
            b'd'
        } else if c.is_uppercase() {
            b'X'
        } else if c.is_alphabetic() {
            b'x'
        } else if c.is_ascii() {
            c as u8
        } else {
            b'o'
        };
        if len > 0 && out[len - 1] == b && matches!(b, b'd' | b'X' | b'x') {
            continue;
        }
        if len == out.len() {
            break;
        }
        out[len] = b;
        len += 1;
    }
    hash_bytes(&out[..len])
}

fn chunk_class(chunk: &str) -> u8 {
    let lower = chunk.to_ascii_lowercase();
    let mut class = 0;
    if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("http") {
        class |= 1;
    }
    if lower.starts_with("doi") || has_doi_prefix(&lower) {
        class |= 2;
    }
    if lower.contains('@') {
        class |= 4;
    }
    if lower.contains("arxiv") {
        class |= 8;
    }
    let digits = chunk.bytes().filter(u8::is_ascii_digit).count();
    if class == 0
        && digits >= 10
        && chunk
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'x' || b == b'X')
    {
        class |= 16;
    }
    if class == 0 && chunk.len() > 25 {
        class |= 32;
    }
    class
}

/// Whether `10.` followed by four or more digits and a `/` occurs.
fn has_doi_prefix(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(found) = lower[from..].find("10.") {
        let digits_start = from + found + 3;
        let digits =
            bytes[digits_start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits >= 4 && bytes.get(digits_start + digits) == Some(&b'/') {
            return true;
        }
        from = digits_start;
    }
    false
}

/// The feature id of a template and a value.
#[inline]
fn feature(template: u64, value: u64) -> u32 {
    let x = value ^ template.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (splitmix(x) >> 32) as u32
}

/// Combines two hashes (order matters).
#[inline]
fn mix(a: u64, b: u64) -> u64 {
    splitmix(a.rotate_left(23) ^ b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
}

#[inline]
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a over bytes.
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for b in bytes {
        hash ^= *b as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn hash_chars(chars: &[char]) -> u64 {
    let mut buffer = [0u8; 4];
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for c in chars {
        for b in c.encode_utf8(&mut buffer).bytes() {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::super::token::tokenize;
    use super::*;

    #[test]
    fn every_token_gets_the_same_number_of_features() {
        let text = "Smith, J. (2001). In: Proc. of X, pp. 1-2. doi:10.1000/xyz";
        let tokens = tokenize(text);
        let features = extract(text, &tokens);
        assert_eq!(features.len(), tokens.len());
        let per_token = features.of(0).len();
        assert!(per_token > 40);
        for i in 0..features.len() {
            assert_eq!(features.of(i).len(), per_token);
        }
        assert!(extract("", &[]).is_empty());
        assert_eq!(features.links.len(), tokens.len());
        assert_eq!(features.links[1], link_class(", "));
        assert_eq!(link_class(", "), 5);
        assert_eq!(link_class(""), 0);
        assert_eq!(link_class(". (“"), 1 | 2 | 16 | 64);
    }

    #[test]
    fn features_are_deterministic_and_context_dependent() {
        let a = "Smith J. 2001. Title. Journal 3: 4.";
        let b = "Smith J. 2001. Title. Journal 3: 5.";
        let (fa, fb) = (extract(a, &tokenize(a)), extract(b, &tokenize(b)));
        assert_eq!(fa.of(0), extract(a, &tokenize(a)).of(0));
        // The same first token in the same context gives the same features.
        assert_eq!(fa.of(0), fb.of(0));
        // A different word differs.
        assert_ne!(fa.of(6), fb.of(6));
    }

    #[test]
    fn state_tracks_brackets_quotes_and_years() {
        let text = "A (B) \"C\" 1999 D";
        let tokens = tokenize(text);
        let infos = describe(text, &tokens);
        assert_eq!(infos[0].state.nesting, 0);
        assert_eq!(infos[1].state.nesting, IN_PARENS);
        assert_eq!(infos[2].state.nesting, IN_QUOTES);
        assert_eq!(infos[3].number_class, NUMBER_YEAR);
        assert_eq!(infos[4].state.flags & AFTER_YEAR, AFTER_YEAR);
        assert_eq!(infos[4].state.flags & AFTER_QUOTE, AFTER_QUOTE);
    }

    #[test]
    fn chunks_and_separators() {
        assert_eq!(chunk_class("https://doi.org/10.1000/xyz"), 3);
        assert_eq!(chunk_class("doi:10.1000/xyz"), 2);
        assert_eq!(chunk_class("978-3-16-148410-0"), 16);
        assert_eq!(chunk_class("Smith,"), 0);
        assert_eq!(separator(", ", false, false), separator(",  ", false, false));
        assert_ne!(separator(", ", false, false), separator(". ", false, false));
        assert_eq!(separator("“", false, false), separator("\"", false, false));
    }
}
