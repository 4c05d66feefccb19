//! JSON, owned end to end: a parser that reports duplicate members, depth, `NaN`, lone
//! surrogates and trailing garbage precisely, and a compact writer.
//!
//! The parser reads RFC 8259 exactly, over bytes, in one pass after one check that the whole body
//! is UTF-8 (outside strings JSON is ASCII, so a body that is not UTF-8 is never JSON). Object
//! member order and the text of numbers are kept.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

/// The deepest nesting ever read, whatever `maxDepth` asks for.
///
/// NOTE: `maxDepth` is an option, but values are built, cloned, written and dropped by recursion;
/// this cap keeps every such recursion far from the end of the stack, in WebAssembly too.
pub const MAX_NESTING: usize = 512;

/// A JSON value that keeps object member order and the exact text of numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its JSON text (`1e400` and `12345678901234567890` stay exact).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The string, when this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The members, when this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Parses a whole JSON document exactly: member order and the text of numbers kept, every
    /// repeated member name reported, a container deeper than `max_depth` (or [`MAX_NESTING`])
    /// refused. The top-level value is at depth 1 when it is a container.
    ///
    /// # Errors
    /// [`ParseError`], see its variants.
    pub fn parse(input: &[u8], max_depth: usize) -> Result<Self, ParseError> {
        parse(input, max_depth)
    }

    /// The compact serialization: no whitespace, strings escaped as `JSON.stringify` escapes
    /// them, numbers written exactly as held.
    #[must_use]
    pub fn to_json(&self) -> String {
        let size = compact_len(self);
        let mut out = String::with_capacity(size);
        write_value(&mut out, self);
        debug_assert_eq!(out.len(), size, "compact_len differs from the writer");
        out
    }
}

/// A JSON value read in place from the body: numbers and strings without escapes are slices of
/// it, so that validating copies nothing the output does not need.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    /// The number's JSON text.
    Number(&'a str),
    /// A string; see [`plain`] for what `Borrowed` promises.
    Str(Cow<'a, str>),
    Array(Vec<Val<'a>>),
    /// An object, and where it lies in the body when that text can be copied (see [`Span`]).
    Object(Vec<Member<'a>>, Span),
}

/// Where an object lies in the body when its text there is exactly its compact serialization
/// (no whitespace, no escape inside), so that it is copied rather than written again;
/// [`Span::NONE`] otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    /// 0 for none: an object's text ends two bytes after its start at the earliest.
    end: u32,
}

impl Span {
    pub(crate) const NONE: Self = Self { start: 0, end: 0 };

    fn new(start: usize, end: usize) -> Self {
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) => Self { start, end },
            _ => Self::NONE,
        }
    }

    /// The object's text in `body`, the document it was read from.
    pub(crate) fn text(self, body: &str) -> Option<&str> {
        if self.end == 0 {
            return None;
        }
        body.get(self.start as usize..self.end as usize)
    }
}

/// An object member read in place.
pub(crate) type Member<'a> = (Cow<'a, str>, Val<'a>);

impl<'a> Val<'a> {
    /// The string, when this is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The owned value (strings and numbers copied).
    pub(crate) fn into_owned(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::Number(text) => Value::Number(text.to_owned()),
            Self::Str(s) => Value::String(s.into_owned()),
            Self::Array(items) => Value::Array(items.into_iter().map(Val::into_owned).collect()),
            Self::Object(members, _) => Value::Object(members_into_owned(members)),
        }
    }

    /// A view of an owned value, borrowing its strings. Recursive: the caller has checked the
    /// depth ([`check_tree`]).
    pub(crate) fn of(value: &'a Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(text) => Self::Number(text),
            Value::String(s) => Self::Str(plain(s)),
            Value::Array(items) => Self::Array(items.iter().map(Val::of).collect()),
            Value::Object(members) => Self::Object(members_of(members), Span::NONE),
        }
    }
}

/// The owned members.
pub(crate) fn members_into_owned(members: Vec<Member<'_>>) -> Vec<(String, Value)> {
    members
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// A view of owned members.
pub(crate) fn members_of(members: &[(String, Value)]) -> Vec<Member<'_>> {
    members
        .iter()
        .map(|(name, value)| (plain(name), Val::of(value)))
        .collect()
}

/// A string as the values read in place hold it: `Borrowed` only when its JSON literal needs no
/// escape (as every string of the body without a backslash), so that it is written and measured
/// without reading its bytes again; `Owned` otherwise.
pub(crate) fn plain(s: &str) -> Cow<'_, str> {
    if plain_run_end(s.as_bytes(), 0) == s.len() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_owned())
    }
}

/// Appends the JSON literal of a string held as [`plain`] describes.
// The variant is the point: it says whether the string needs escapes.
#[allow(clippy::ptr_arg)]
pub(crate) fn write_text(out: &mut String, s: &Cow<'_, str>) {
    out.push('"');
    write_text_content(out, s);
    out.push('"');
}

/// [`write_text`]'s literal without its quotes.
#[allow(clippy::ptr_arg)]
pub(crate) fn write_text_content(out: &mut String, s: &Cow<'_, str>) {
    match s {
        Cow::Borrowed(s) => out.push_str(s),
        Cow::Owned(s) => write_str_content(out, s),
    }
}

/// The length of [`write_text`]'s literal.
#[allow(clippy::ptr_arg)]
fn text_len(s: &Cow<'_, str>) -> usize {
    match s {
        Cow::Borrowed(s) => 2 + s.len(),
        Cow::Owned(s) => str_len(s),
    }
}

/// Why a body is not a usable JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not UTF-8, or not JSON as RFC 8259 defines it (`M_NOT_JSON`).
    NotJson,
    /// The JSON Pointer of the first container nested deeper than the limit (`M_BAD_JSON`).
    TooDeep(String),
    /// The JSON Pointer of each repeated member name, in document order (`M_BAD_JSON`).
    Duplicates(Vec<String>),
}

/// Parses a whole document. The top-level value is at depth 1 when it is a container; a
/// container deeper than `max_depth` (or [`MAX_NESTING`]) stops the parse.
///
/// Duplicate member names do not stop the parse: the document is read to its end so that every
/// repeated member is reported (or a syntax error found instead).
///
/// # Errors
/// [`ParseError`], see its variants.
pub(crate) fn parse(input: &[u8], max_depth: usize) -> Result<Value, ParseError> {
    parse_in_place(input, max_depth).map(Val::into_owned)
}

/// [`parse`], reading the document in place.
pub(crate) fn parse_in_place(input: &[u8], max_depth: usize) -> Result<Val<'_>, ParseError> {
    // Wherever a byte that is not UTF-8 lies, in a string or between tokens, the document is
    // not JSON; checking it once here lets strings be read as bytes.
    let Ok(text) = std::str::from_utf8(input) else {
        return Err(ParseError::NotJson);
    };
    parse_text(text, max_depth)
}

/// [`parse_in_place`] of a document already known to be UTF-8.
pub(crate) fn parse_text(text: &str, max_depth: usize) -> Result<Val<'_>, ParseError> {
    let input = text.as_bytes();
    let mut parser = Parser::new(text, max_depth.min(MAX_NESTING));
    parser.skip_ws();
    let value = match parser.value(1) {
        Ok(value) => value,
        Err(Stop::NotJson) => return Err(ParseError::NotJson),
        Err(Stop::TooDeep(pointer)) => {
            // Not JSON wins over too deep: read the whole text again for its syntax alone.
            parser.pos = 0;
            return match parser.skip_document() {
                Ok(()) => Err(ParseError::TooDeep(pointer)),
                Err(_) => Err(ParseError::NotJson),
            };
        }
    };
    parser.skip_ws();
    if parser.pos != input.len() {
        return Err(ParseError::NotJson);
    }
    if parser.duplicates.is_empty() {
        Ok(value)
    } else {
        Err(ParseError::Duplicates(parser.duplicates))
    }
}

/// Checks a value built elsewhere the way [`parse`] checks a document: the first container
/// deeper than `max_depth` (or [`MAX_NESTING`]), else every repeated member name in document
/// order. Iterative, so any depth is safe.
///
/// # Errors
/// [`ParseError::TooDeep`] or [`ParseError::Duplicates`].
pub(crate) fn check_tree(value: &Value, max_depth: usize) -> Result<(), ParseError> {
    enum Frame<'a> {
        Object(&'a [(String, Value)], usize, SeenNames, usize),
        Array(&'a [Value], usize, usize),
    }
    let max_depth = max_depth.min(MAX_NESTING);
    let mut pointer = String::new();
    let mut duplicates = Vec::new();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(value) = next.take() {
            let is_container = matches!(value, Value::Object(_) | Value::Array(_));
            if is_container && stack.len() + 1 > max_depth {
                return Err(ParseError::TooDeep(pointer));
            }
            match value {
                Value::Object(members) => {
                    stack.push(Frame::Object(
                        members,
                        0,
                        SeenNames::default(),
                        pointer.len(),
                    ));
                }
                Value::Array(items) => stack.push(Frame::Array(items, 0, pointer.len())),
                _ => {}
            }
        }
        let Some(frame) = stack.last_mut() else { break };
        match frame {
            Frame::Object(members, index, seen, base) => {
                pointer.truncate(*base);
                if let Some((name, member)) = members.get(*index) {
                    push_pointer_token(&mut pointer, name);
                    if seen.contains(&members[..*index], name) {
                        duplicates.push(pointer.clone());
                    }
                    *index += 1;
                    seen.add_last(&members[..*index]);
                    next = Some(member);
                } else {
                    stack.pop();
                }
            }
            Frame::Array(items, index, base) => {
                pointer.truncate(*base);
                if let Some(item) = items.get(*index) {
                    pointer.push('/');
                    push_decimal(&mut pointer, *index);
                    *index += 1;
                    next = Some(item);
                } else {
                    stack.pop();
                }
            }
        }
    }
    if duplicates.is_empty() {
        Ok(())
    } else {
        Err(ParseError::Duplicates(duplicates))
    }
}

/// The member names of one object read so far, to tell a repeated name as it comes: a linear
/// scan while the object is small, then an index of the members sorted by name.
#[derive(Default)]
struct SeenNames(Vec<usize>);

/// An object member, owned or read in place: its name.
trait Named {
    fn name(&self) -> &str;
}

impl Named for (String, Value) {
    fn name(&self) -> &str {
        &self.0
    }
}

impl Named for Member<'_> {
    fn name(&self) -> &str {
        &self.0
    }
}

impl SeenNames {
    const LINEAR: usize = 16;

    /// Whether `name` is among `members`, the members read so far.
    fn contains<M: Named>(&self, members: &[M], name: &str) -> bool {
        if members.len() < Self::LINEAR {
            members.iter().any(|seen| seen.name() == name)
        } else {
            self.0
                .binary_search_by(|&i| members[i].name().cmp(name))
                .is_ok()
        }
    }

    /// Records the last of `members` as read: nothing to do while the object is small, a test
    /// inlined where each member is read.
    #[inline(always)]
    fn add_last<M: Named>(&mut self, members: &[M]) {
        if members.len() >= Self::LINEAR {
            self.index_last(members);
        }
    }

    /// [`SeenNames::add_last`] once the object is no longer small.
    #[inline(never)]
    fn index_last<M: Named>(&mut self, members: &[M]) {
        let count = members.len();
        // The index is built by insertion (a sort would add a sort's code to the module).
        let first = if count == Self::LINEAR { 0 } else { count - 1 };
        for added in first..count {
            let name = members[added].name();
            let at = self.0.partition_point(|&i| members[i].name() <= name);
            self.0.insert(at, added);
        }
    }
}

/// One of 64 bits, picked from a member name's length and its middle and last bytes: two names
/// with different bits are different names. The names of a pusher all have different bits.
fn name_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let hash = match b.last() {
        Some(&last) => b.len() ^ usize::from(b[b.len() / 2]) ^ usize::from(last),
        None => 0,
    };
    1 << (hash & 63)
}

/// Appends `/token` to a JSON Pointer, escaping `~` as `~0` and `/` as `~1` (RFC 6901).
pub(crate) fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    // `~` and `/` are ASCII, so the runs between them end on character boundaries.
    let mut rest = token;
    while let Some(at) = rest.bytes().position(|b| b == b'~' || b == b'/') {
        let (run, tail) = rest.split_at_checked(at).unwrap_or((rest, ""));
        pointer.push_str(run);
        pointer.push_str(if tail.starts_with('~') { "~0" } else { "~1" });
        rest = tail.get(1..).unwrap_or_default();
    }
    pointer.push_str(rest);
}

/// Appends `n` in decimal, without `core::fmt` (which would add its code to the WebAssembly
/// module).
pub(crate) fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        // `rest % 10` is a digit.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// The JSON Pointer of a top-level member.
#[must_use]
pub(crate) fn member_pointer(name: &str) -> String {
    let mut pointer = String::with_capacity(name.len() + 1);
    push_pointer_token(&mut pointer, name);
    pointer
}

enum Stop {
    NotJson,
    TooDeep(String),
}

/// The step from a container to one of its values, in a JSON Pointer.
#[derive(Clone, Copy)]
enum Step<'s> {
    Member(&'s str),
    Index(usize),
}

impl Step<'_> {
    /// Puts the step in front of a pointer written from the value.
    fn prefix(self, pointer: &mut String) {
        let mut step = String::new();
        match self {
            Step::Member(name) => push_pointer_token(&mut step, name),
            Step::Index(index) => {
                step.push('/');
                push_decimal(&mut step, index);
            }
        }
        pointer.insert_str(0, &step);
    }
}

struct Parser<'a> {
    /// The document, already known to be UTF-8.
    text: &'a str,
    pos: usize,
    max_depth: usize,
    /// How many runs of whitespace and escaped strings were read so far: an object's text is
    /// its compact serialization when this did not change while it was read.
    irregular: usize,
    /// The pointer of each repeated member, in document order. Each is written relative to the
    /// object it is found in; every container it lies in adds its own step in front of it as
    /// the value returns, so that no path is kept while nothing is wrong.
    duplicates: Vec<String>,
    /// The members of the objects being read, innermost last: at its end each object takes its
    /// own in one allocation of the exact size.
    members: Vec<Member<'a>>,
    /// The same for the items of the arrays being read.
    items: Vec<Val<'a>>,
}

/// The bytes that end a run of plain string content: `"`, `\\` and the controls below U+0020
/// (refused raw). A UTF-8 sequence never holds one, so a run never splits a character.
const fn is_string_stop(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The string stop bytes (see [`is_string_stop`]) among the eight bytes of `word`, read little
/// endian: the high bit of a byte of the result is set for the first stop byte, and for none
/// before it (the usual test for a zero byte, exact up to its first hit), so that
/// `trailing_zeros() / 8` is the first stop byte's index.
const fn string_stops(word: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Flipping bit 1 maps `"` (0x22) to 0x20 and the controls onto themselves: the bytes then
    // below 0x21 are exactly the controls and `"`. Neither flip touches the high bits, so `!word`
    // serves both tests.
    let quote_or_control = (word ^ (ONES * 0x02)).wrapping_sub(ONES * 0x21);
    let backslash = (word ^ (ONES * b'\\' as u64)).wrapping_sub(ONES);
    (quote_or_control | backslash) & !word & HIGH
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_depth: usize) -> Self {
        Parser {
            text,
            pos: 0,
            max_depth,
            irregular: 0,
            duplicates: Vec::new(),
            members: Vec::with_capacity(16),
            items: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Inlined where it is called for its test alone: compact JSON, what clients send, has no
    /// whitespace, and the run is read out of line.
    #[inline]
    fn skip_ws(&mut self) {
        if let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.skip_ws_run();
        }
    }

    #[inline(never)]
    fn skip_ws_run(&mut self) {
        self.irregular += 1;
        self.pos += 1;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// A value starting at the current byte; `depth` is the depth it has if it is a container.
    fn value(&mut self, depth: usize) -> Result<Val<'a>, Stop> {
        match self.peek() {
            Some(b'{') => {
                let (start, irregular) = (self.pos, self.irregular);
                self.enter(depth)?;
                let members = self.object(depth)?;
                let span = if self.irregular == irregular {
                    Span::new(start, self.pos)
                } else {
                    Span::NONE
                };
                Ok(Val::Object(members, span))
            }
            Some(b'[') => {
                self.enter(depth)?;
                self.array(depth)
            }
            _ => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Result<Val<'a>, Stop> {
        match self.peek() {
            Some(b'"') => self.string().map(Val::Str),
            Some(b't') => self.literal(b"true", Val::Bool(true)),
            Some(b'f') => self.literal(b"false", Val::Bool(false)),
            Some(b'n') => self.literal(b"null", Val::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Stop::NotJson),
        }
    }

    /// Reads a whole document for its syntax only: no value is built, no depth limit applies,
    /// and open containers are kept on a heap stack, so any nesting is safe.
    fn skip_document(&mut self) -> Result<(), Stop> {
        let mut closers: Vec<u8> = Vec::new();
        self.skip_ws();
        loop {
            // At the start of a value.
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        closers.push(b'}');
                        self.skip_member_name()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        closers.push(b']');
                        continue;
                    }
                }
                _ => {
                    self.scalar()?;
                }
            }
            // After a value: close containers until the next element starts.
            loop {
                self.skip_ws();
                let Some(&closer) = closers.last() else {
                    return if self.pos == self.text.len() {
                        Ok(())
                    } else {
                        Err(Stop::NotJson)
                    };
                };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if closer == b'}' {
                            self.skip_member_name()?;
                        }
                        break;
                    }
                    Some(b) if b == closer => {
                        self.pos += 1;
                        closers.pop();
                    }
                    _ => return Err(Stop::NotJson),
                }
            }
        }
    }

    /// `"name" :` and the whitespace after it.
    fn skip_member_name(&mut self) -> Result<(), Stop> {
        if self.peek() != Some(b'"') {
            return Err(Stop::NotJson);
        }
        self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(Stop::NotJson);
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    /// The depth check happens here, before any recursion into the container.
    fn enter(&mut self, depth: usize) -> Result<(), Stop> {
        if depth > self.max_depth {
            // The pointer is written as the error returns through the containers (`within`).
            return Err(Stop::TooDeep(String::new()));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Vec<Member<'a>>, Stop> {
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Vec::new());
        }
        let base = self.members.len();
        let mut seen = SeenNames::default();
        // One bit for each name read (see `name_bit`): a name whose bit is not set yet is new.
        let mut names = 0u64;
        loop {
            if self.peek() != Some(b'"') {
                return Err(Stop::NotJson);
            }
            let name = self.string_here()?;
            let bit = name_bit(&name);
            let maybe_seen = names & bit != 0;
            names |= bit;
            // Reported before anything inside its value, which comes later in the document.
            if maybe_seen && seen.contains(&self.members[base..], &name) {
                self.duplicates.push(member_pointer(&name));
            }
            // Compact JSON, what clients send, has no whitespace: each byte expected is tested
            // first, and whitespace read only when it is not there.
            if self.peek() != Some(b':') {
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(Stop::NotJson);
                }
            }
            self.pos += 1;
            // Most values are strings or other scalars: read them without the dispatch on
            // containers. Only a container can hold a repeated member or be too deep, so only
            // its result gets the step to it in front of its pointers (`within`).
            let value = match self.peek() {
                Some(b'"') => self.string_here().map(Val::Str)?,
                Some(b'{' | b'[') => self.member_container(depth, &name)?,
                Some(b' ' | b'\t' | b'\n' | b'\r') => {
                    self.skip_ws_run();
                    match self.peek() {
                        Some(b'{' | b'[') => self.member_container(depth, &name)?,
                        _ => self.scalar()?,
                    }
                }
                _ => self.scalar()?,
            };
            self.members.push((name, value));
            seen.add_last(&self.members[base..]);
            let mut next = self.peek();
            if let Some(b' ' | b'\t' | b'\n' | b'\r') = next {
                self.skip_ws_run();
                next = self.peek();
            }
            match next {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    // The outermost object takes the whole stack, without a copy.
                    let members = if base == 0 {
                        std::mem::take(&mut self.members)
                    } else {
                        self.members.split_off(base)
                    };
                    return Ok(members);
                }
                _ => return Err(Stop::NotJson),
            }
        }
    }

    /// A member's value that starts a container, with the step to it in front of the pointers
    /// written inside it. Out of line in the WebAssembly module, where it is smaller so.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn member_container(&mut self, depth: usize, name: &str) -> Result<Val<'a>, Stop> {
        let marked = self.duplicates.len();
        let mut value = self.value(depth + 1);
        if value.is_err() || self.duplicates.len() > marked {
            value = self.within(marked, value, Step::Member(name));
        }
        value
    }

    fn array(&mut self, depth: usize) -> Result<Val<'a>, Stop> {
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Val::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            let index = self.items.len() - base;
            let marked = self.duplicates.len();
            let mut item = self.value(depth + 1);
            if item.is_err() || self.duplicates.len() > marked {
                item = self.within(marked, item, Step::Index(index));
            }
            let item = item?;
            self.items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Val::Array(self.items.split_off(base)));
                }
                _ => return Err(Stop::NotJson),
            }
        }
    }

    /// The result of reading a member's or an item's value: the pointers written inside it since
    /// `marked` (repeated members, or the container too deep) get the step to it in front.
    #[cold]
    #[inline(never)]
    fn within(
        &mut self,
        marked: usize,
        value: Result<Val<'a>, Stop>,
        step: Step<'_>,
    ) -> Result<Val<'a>, Stop> {
        for pointer in self.duplicates.iter_mut().skip(marked) {
            step.prefix(pointer);
        }
        match value {
            Err(Stop::TooDeep(mut pointer)) => {
                step.prefix(&mut pointer);
                Err(Stop::TooDeep(pointer))
            }
            other => other,
        }
    }

    fn literal(&mut self, text: &[u8], value: Val<'a>) -> Result<Val<'a>, Stop> {
        if self.text.as_bytes()[self.pos..].starts_with(text) {
            self.pos += text.len();
            Ok(value)
        } else {
            Err(Stop::NotJson)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Val<'a>, Stop> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Stop::NotJson),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(Stop::NotJson);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(Stop::NotJson);
            }
        }
        let text = self.text.get(start..self.pos).ok_or(Stop::NotJson)?;
        Ok(Val::Number(text))
    }

    fn hex4(&mut self) -> Result<u32, Stop> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(Stop::NotJson),
            };
            code = code * 16 + u32::from(digit);
            self.pos += 1;
        }
        Ok(code)
    }

    /// Moves past plain string content, up to the next stop byte or the end.
    fn skip_plain(&mut self) {
        self.pos = plain_run_end(self.text.as_bytes(), self.pos);
    }

    /// A string starting at its opening quote. Without escapes it is a slice of the body.
    #[inline(never)]
    fn string(&mut self) -> Result<Cow<'a, str>, Stop> {
        self.string_here()
    }

    /// [`Parser::string`], inlined where most strings are read: member names and values.
    #[inline(always)]
    fn string_here(&mut self) -> Result<Cow<'a, str>, Stop> {
        let start = self.pos + 1;
        let end = string_run_end(self.text.as_bytes(), start);
        self.pos = end;
        match self.text.as_bytes().get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                // The byte at `end` is the quote just read, so only the start is tested for a
                // character's boundary.
                self.text
                    .split_at_checked(end)
                    .and_then(|(head, _)| head.get(start..))
                    .map(Cow::Borrowed)
                    .ok_or(Stop::NotJson)
            }
            Some(b'\\') => self.escaped_string(start).map(Cow::Owned),
            _ => Err(Stop::NotJson),
        }
    }

    /// The rest of a string whose plain content from `start` ends at a backslash.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize) -> Result<String, Stop> {
        self.irregular += 1;
        let mut out = String::with_capacity(self.pos - start + 16);
        let mut run = start;
        loop {
            out.push_str(self.text.get(run..self.pos).ok_or(Stop::NotJson)?);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(Stop::NotJson),
            }
            run = self.pos;
            self.skip_plain();
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Stop> {
        let Some(b) = self.peek() else {
            return Err(Stop::NotJson);
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if !self.text.as_bytes()[self.pos..].starts_with(b"\\u") {
                            return Err(Stop::NotJson);
                        }
                        self.pos += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(Stop::NotJson);
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    _ => first,
                };
                // A lone low surrogate is the one case left that is not a scalar value.
                char::from_u32(code).ok_or(Stop::NotJson)?
            }
            _ => return Err(Stop::NotJson),
        };
        out.push(c);
        Ok(())
    }
}

// ---- writer -------------------------------------------------------------------------------------

/// Appends the escape `JSON.stringify` writes for a string stop byte (see [`is_string_stop`]):
/// `\"`, `\\`, the short forms of five controls, `\u00xx` for the others.
fn push_escape(out: &mut String, b: u8) {
    out.push('\\');
    let short = match b {
        b'"' | b'\\' => b,
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        // The other controls, below 0x20: their high digit is 0 or 1.
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("u00");
            out.push(char::from(HEX[usize::from(b >> 4 & 1)]));
            HEX[usize::from(b & 15)]
        }
    };
    out.push(char::from(short));
}

/// The end of the run of bytes from `pos` that [`write_str`] copies as they are: up to the next
/// byte it escapes (the string stop bytes of the parser), or the end.
// Natively inlined into each string read (about 1 % fewer instructions on the corpus); the
// WebAssembly module keeps one copy, and so do unoptimized builds, where each inlined copy's
// locals would each take their own room in the recursive parser's frame (a document nested
// 512 deep then overflows a 2 MB thread stack).
#[cfg_attr(
    all(not(target_arch = "wasm32"), not(debug_assertions)),
    inline(always)
)]
fn plain_run_end(bytes: &[u8], mut pos: usize) -> usize {
    let mut rest = bytes.get(pos..).unwrap_or_default();
    // The first word alone: most strings (member names, short values) end in it.
    if let Some((word, tail)) = rest.split_first_chunk::<8>() {
        let stops = string_stops(u64::from_le_bytes(*word));
        if stops != 0 {
            return pos + (stops.trailing_zeros() / 8) as usize;
        }
        pos += 8;
        rest = tail;
        // Then two words at a time, one test for both.
        let mut pairs = rest.chunks_exact(16);
        for pair in &mut pairs {
            let (low, high) = pair.split_at(8);
            let low = low.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
            let high = high
                .first_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w));
            let (low, high) = (string_stops(low), string_stops(high));
            if low | high != 0 {
                let at = if low != 0 {
                    low.trailing_zeros() / 8
                } else {
                    8 + high.trailing_zeros() / 8
                };
                return pos + at as usize;
            }
            pos += 16;
        }
        rest = pairs.remainder();
        if let Some((word, tail)) = rest.split_first_chunk::<8>() {
            let stops = string_stops(u64::from_le_bytes(*word));
            if stops != 0 {
                return pos + (stops.trailing_zeros() / 8) as usize;
            }
            pos += 8;
            rest = tail;
        }
    }
    for &b in rest {
        if is_string_stop(b) {
            break;
        }
        pos += 1;
    }
    pos
}

/// [`plain_run_end`] where the parser reads a string. In the WebAssembly module, where that is
/// a call, the first word is read here first: most strings (member names, short values) end in
/// it.
#[inline(always)]
fn string_run_end(bytes: &[u8], pos: usize) -> usize {
    #[cfg(target_arch = "wasm32")]
    if let Some(word) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let stops = string_stops(u64::from_le_bytes(*word));
        return if stops != 0 {
            pos + (stops.trailing_zeros() / 8) as usize
        } else {
            plain_run_end(bytes, pos + 8)
        };
    }
    plain_run_end(bytes, pos)
}

/// Appends a JSON string literal, escaped as `JSON.stringify` escapes it.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    write_str_content(out, s);
    out.push('"');
}

/// [`write_str`]'s literal without its quotes.
fn write_str_content(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        // Runs end at an ASCII byte, so every slice here is on character boundaries.
        let end = plain_run_end(bytes, start);
        out.push_str(s.get(start..end).unwrap_or_default());
        match bytes.get(end) {
            Some(&b) => push_escape(out, b),
            None => break,
        }
        start = end + 1;
    }
}

/// Appends the compact serialization of a value.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => write_members(out, members),
    }
}

/// Appends the compact serialization of an object given by its members.
pub(crate) fn write_members(out: &mut String, members: &[(String, Value)]) {
    out.push('{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, name);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// Appends the compact serialization of a value read in place.
pub(crate) fn write_val(out: &mut String, value: &Val<'_>) {
    match value {
        Val::Null => out.push_str("null"),
        Val::Bool(true) => out.push_str("true"),
        Val::Bool(false) => out.push_str("false"),
        Val::Number(text) => out.push_str(text),
        Val::Str(s) => write_text(out, s),
        Val::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_val(out, item);
            }
            out.push(']');
        }
        Val::Object(members, _) => write_val_members(out, members),
    }
}

/// Appends the compact serialization of an object read in place, given by its members.
pub(crate) fn write_val_members(out: &mut String, members: &[Member<'_>]) {
    out.push('{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_text(out, name);
        out.push(':');
        write_val(out, value);
    }
    out.push('}');
}

/// [`compact_len`] of a value read in place.
pub(crate) fn val_len(value: &Val<'_>) -> usize {
    match value {
        Val::Null | Val::Bool(true) => 4,
        Val::Bool(false) => 5,
        Val::Number(text) => text.len(),
        Val::Str(s) => text_len(s),
        Val::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(val_len).sum::<usize>()
        }
        Val::Object(members, _) => val_members_len(members),
    }
}

/// [`members_len`] of members read in place.
pub(crate) fn val_members_len(members: &[Member<'_>]) -> usize {
    2 + members.len().saturating_sub(1)
        + members
            .iter()
            .map(|(name, value)| text_len(name) + 1 + val_len(value))
            .sum::<usize>()
}

/// The length in bytes of a string literal as [`write_str`] writes it.
#[must_use]
pub(crate) fn str_len(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | 0x08 | 0x09 | 0x0a | 0x0c | 0x0d => 1,
                0..0x20 => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// The length in bytes of the compact serialization, computed without writing it.
#[must_use]
pub(crate) fn compact_len(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(text) => text.len(),
        Value::String(s) => str_len(s),
        Value::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(compact_len).sum::<usize>()
        }
        Value::Object(members) => members_len(members),
    }
}

/// The length in bytes of the compact serialization of an object given by its members.
#[must_use]
pub(crate) fn members_len(members: &[(String, Value)]) -> usize {
    2 + members.len().saturating_sub(1)
        + members
            .iter()
            .map(|(name, value)| str_len(name) + 1 + compact_len(value))
            .sum::<usize>()
}

// ---- serde --------------------------------------------------------------------------------------

/// Whether number text is an integer (no fraction, no exponent, not `-0`).
fn is_integer_text(text: &str) -> bool {
    !text.contains(['.', 'e', 'E']) && text != "-0"
}

/// A decimal number as its sign, its significant digits (no leading or trailing zero) and the
/// power of ten that puts the point before the first of them: `-12.50e3` is
/// `(true, "125", 5)`. Zero has no digits. Two texts of one number give the same triple.
fn decimal_parts(text: &str) -> (bool, String, i64) {
    let (negative, text) = text
        .strip_prefix('-')
        .map_or((false, text), |rest| (true, rest));
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exponent = exponent.trim_start_matches('+');
    let exponent = exponent
        .parse::<i64>()
        .unwrap_or(if exponent.starts_with('-') {
            i64::MIN / 2
        } else {
            i64::MAX / 2
        });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits.trim_matches('0').to_owned();
    let point =
        i64::try_from(int.len()).unwrap_or(i64::MAX / 2) - i64::try_from(leading).unwrap_or(0);
    let power = if significant.is_empty() {
        0
    } else {
        exponent.saturating_add(point)
    };
    (negative, significant, power)
}

/// Serializes number text exactly: as an integer when it is one that fits `i64` or `u64`, as an
/// `f64` when that double's shortest form is the same number, and otherwise (`1e400`, 25
/// digits) as `serde_json`'s arbitrary-precision number, which `serde_json` built with
/// `arbitrary_precision` writes as the text itself.
fn serialize_number<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if is_integer_text(text) {
        if let Ok(n) = text.parse::<i64>() {
            return serializer.serialize_i64(n);
        }
        if let Ok(n) = text.parse::<u64>() {
            return serializer.serialize_u64(n);
        }
    }
    if let Ok(f) = text.parse::<f64>()
        && f.is_finite()
        && decimal_parts(&format!("{f:e}")) == decimal_parts(text)
    {
        return serializer.serialize_f64(f);
    }
    let mut number = serializer.serialize_struct(ARBITRARY_PRECISION_TOKEN, 1)?;
    number.serialize_field(ARBITRARY_PRECISION_TOKEN, text)?;
    number.end()
}

impl Serialize for Value {
    /// Numbers go out exactly (an integer, an `f64` of the same value, or the text itself as
    /// `serde_json`'s arbitrary-precision number); members in document order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Number(text) => serialize_number(text, serializer),
            Self::String(s) => serializer.serialize_str(s),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// The map key `serde_json` uses for a number when its `arbitrary_precision` feature is on.
const ARBITRARY_PRECISION_TOKEN: &str = "$serde_json::private::Number";

/// Writes a finite `f64` as ECMAScript's `Number.prototype.toString` does (`1e+21`, `1.5e-7`,
/// `0.000001`), so a number from a JavaScript value keeps the text `JSON.stringify` gives it.
fn js_number_text(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    // `{:e}` gives the shortest digits that read back to the same value.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n(
            '0',
            usize::try_from(n - k).unwrap_or(0),
        ));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-n).unwrap_or(0)));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.to_string()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.to_string()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        if f.is_finite() {
            Ok(Value::Number(js_number_text(f)))
        } else {
            Err(E::custom("NaN and infinities are not JSON numbers"))
        }
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(name) = map.next_key::<String>()? {
            if members.is_empty() && name == ARBITRARY_PRECISION_TOKEN {
                return Ok(Value::Number(map.next_value()?));
            }
            members.push((name, map.next_value()?));
        }
        Ok(Value::Object(members))
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Reads any self-describing format; object member order is kept, and a repeated member
    /// name is kept too (validation reports it). With `serde_json`'s `arbitrary_precision`,
    /// numbers keep their exact text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Value, ParseError> {
        parse(text.as_bytes(), 16)
    }

    fn not_json(text: &[u8]) {
        assert_eq!(
            parse(text, 16),
            Err(ParseError::NotJson),
            "{}",
            String::from_utf8_lossy(text)
        );
    }

    #[test]
    fn keeps_member_order_and_number_text() {
        let value = parsed(r#" {"b": 1e400, "a": [12345678901234567890, -0.5E+3, true, null]} "#);
        assert_eq!(
            value,
            Ok(Value::Object(vec![
                ("b".into(), Value::Number("1e400".into())),
                (
                    "a".into(),
                    Value::Array(vec![
                        Value::Number("12345678901234567890".into()),
                        Value::Number("-0.5E+3".into()),
                        Value::Bool(true),
                        Value::Null,
                    ])
                ),
            ]))
        );
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for text in [
            "",
            " ",
            "NaN",
            "Infinity",
            "-Infinity",
            "{} x",
            "{}}",
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "-",
            "[1,]",
            "{\"a\":1,}",
            "{'a':1}",
            "{\"a\" 1}",
            "[1 2]",
            "tru",
            "nul",
            "\"\\x\"",
            "\"\\u12\"",
            "\"abc",
            "{\"a\":1",
            "[",
            "\u{a0}{}",
            "{}\u{0}",
        ] {
            not_json(text.as_bytes());
        }
    }

    #[test]
    fn refuses_a_byte_order_mark_and_invalid_utf8() {
        not_json(b"\xEF\xBB\xBF{}");
        not_json(b"{\"a\":\"\xFF\"}");
        not_json(b"{\"a\":\"\xC3\"}");
        not_json(b"{\"a\":\"\xED\xA0\x80\"}");
    }

    #[test]
    fn refuses_raw_control_characters_in_strings() {
        not_json(b"\"a\nb\"");
        not_json(b"\"a\x00b\"");
        not_json(b"\"a\x1fb\"");
        assert_eq!(parsed("\"a\u{7f}b\""), Ok(Value::String("a\u{7f}b".into())));
    }

    #[test]
    fn refuses_lone_surrogate_escapes() {
        not_json(br#""\ud800""#);
        not_json(br#""\ud800x""#);
        not_json(br#""\ud800\u0041""#);
        not_json(br#""\udc00""#);
        not_json(br#""\udfff\ud800""#);
        assert_eq!(
            parsed(r#""\ud83d\ude00""#),
            Ok(Value::String("\u{1F600}".into()))
        );
    }

    #[test]
    fn reads_every_escape() {
        assert_eq!(
            parsed(r#""\"\\\/\b\f\n\r\t\u0041\u00e9""#),
            Ok(Value::String("\"\\/\u{8}\u{c}\n\r\tAé".into()))
        );
    }

    #[test]
    fn reports_each_repeated_member_in_document_order() {
        let text = r#"{"a":1,"x":{"k":1,"k":2,"k":3},"a":2,"y/~":[{"z":0,"z":0}],"y/~":0}"#;
        assert_eq!(
            parsed(text),
            Err(ParseError::Duplicates(vec![
                "/x/k".into(),
                "/x/k".into(),
                "/a".into(),
                "/y~1~0/0/z".into(),
                "/y~1~0".into(),
            ]))
        );
    }

    #[test]
    fn gives_the_names_of_a_pusher_different_bits() {
        let names = [
            "kind",
            "app_id",
            "pushkey",
            "app_display_name",
            "device_display_name",
            "profile_tag",
            "instance_handle",
            "lang",
            "data",
            "append",
            "org.matrix.msc3881.enabled",
            "org.matrix.msc3881.device_id",
        ];
        let distinct_bits = |names: &[&str]| {
            let bits = names.iter().fold(0u64, |bits, name| bits | name_bit(name));
            bits.count_ones() as usize
        };
        assert_eq!(distinct_bits(&names), names.len());
        let data = [
            "url",
            "format",
            "auth",
            "default_payload",
            "endpoint",
            "events_only",
        ];
        assert_eq!(distinct_bits(&data), data.len());
    }

    #[test]
    fn finds_repeated_members_in_large_objects() {
        let names = ["m05", "m31", "m17", "m05", "m39", "m00", "m31", "m31"];
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"m{i:02}\":{i},"));
        }
        for name in names {
            text.push_str(&format!("\"{name}\":[{{\"x\":1,\"x\":2}}],"));
        }
        text.push_str("\"last\":0}");
        let mut expected = Vec::new();
        for name in names {
            expected.push(format!("/{name}"));
            expected.push(format!("/{name}/0/x"));
        }
        let expected = ParseError::Duplicates(expected);
        assert_eq!(parse(text.as_bytes(), 16).err(), Some(expected.clone()));
        assert_eq!(check_tree(&tree_of(&text), 16).err(), Some(expected));
    }

    #[test]
    fn prefers_a_syntax_error_to_repeated_members() {
        not_json(br#"{"a":1,"a":2} x"#);
    }

    #[test]
    fn stops_at_the_first_container_past_the_depth_limit() {
        assert_eq!(
            parse(br#"{"a":{"b":[1,{}]}}"#, 3),
            Err(ParseError::TooDeep("/a/b/1".into()))
        );
        assert!(parse(br#"{"a":{"b":[1,{}]}}"#, 4).is_ok());
        assert_eq!(parse(b"[]", 0), Err(ParseError::TooDeep(String::new())));
        assert!(parse(b"5", 0).is_ok());
    }

    #[test]
    fn prefers_a_syntax_error_to_too_deep_nesting() {
        not_json(br#"{"a":{"b":[1,{}]}} x"#);
        not_json(br#"{"a":{"b":[1,{"c":NaN}]}}"#);
        not_json(br#"{"a":{"b":[1,{}]}"#);
        not_json(br#"{"a":{"b":[1,{}}]}"#);
        not_json(&[b'['; 100_000]);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            parse(deep.as_bytes(), 16),
            Err(ParseError::TooDeep(_))
        ));
    }

    #[test]
    fn syntax_only_reading_accepts_what_the_parser_accepts() {
        for text in [
            "5",
            " \"x\" ",
            "[]",
            "{}",
            r#"{"a":[1,{"b":null},[]],"c":{"d":"\u00e9"}}"#,
            r#"[ { } , [ ] , -1.5e+3 ]"#,
        ] {
            let mut parser = Parser::new(text, 0);
            assert!(parser.skip_document().is_ok(), "{text}");
        }
    }

    #[test]
    fn survives_very_deep_input_whatever_the_limit() {
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        let expected: String = "/0".repeat(MAX_NESTING);
        assert_eq!(
            parse(deep.as_bytes(), usize::MAX),
            Err(ParseError::TooDeep(expected))
        );
    }

    /// The tree of a document, read without stopping at repeated members.
    fn tree_of(text: &str) -> Value {
        let mut parser = Parser::new(text, MAX_NESTING);
        parser.value(1).map_or(Value::Null, Val::into_owned)
    }

    #[test]
    fn check_tree_finds_the_same_problems_as_the_parser() {
        for text in [
            r#"{"a":1,"x":{"k":1,"k":2,"k":3},"a":2,"y/~":[{"z":0,"z":0}],"y/~":0}"#,
            r#"{"a":{"b":[1,{}]},"a":{}}"#,
            r#"{"a":{"b":[1,[]]}}"#,
        ] {
            for depth in [3, 4] {
                let from_parser = parse(text.as_bytes(), depth).err();
                assert_eq!(
                    check_tree(&tree_of(text), depth).err(),
                    from_parser,
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn writes_strings_as_json_stringify_does() {
        let mut out = String::new();
        write_str(
            &mut out,
            "a\"b\\c\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é/\u{2028}",
        );
        assert_eq!(
            out,
            r#""a\"b\\c\b\f\n\r\t\u0000\u001f"#.to_owned() + "\u{7f}é/\u{2028}\""
        );
        assert_eq!(
            str_len("a\"b\\c\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é/\u{2028}"),
            out.len()
        );
    }

    #[test]
    fn escapes_every_ascii_character_as_serde_json_does() {
        for b in 0..0x80u8 {
            let s = format!("a{}b", char::from(b));
            let mut out = String::new();
            write_str(&mut out, &s);
            assert_eq!(
                Some(&out),
                serde_json::to_string(&s).ok().as_ref(),
                "{b:#x}"
            );
            assert_eq!(str_len(&s), out.len());
        }
    }

    #[test]
    fn compact_len_matches_what_is_written() {
        let text = r#"{"a":[1,-2.5e3,true,false,null,"x\n"],"b":{},"c":[],"d":{"e":"\u0001"}}"#;
        let value = parsed(text).unwrap_or(Value::Null);
        assert_eq!(value.to_json(), text);
        assert_eq!(compact_len(&value), text.len());
    }

    #[test]
    fn keeps_the_span_of_an_object_written_compactly() {
        let text = r#"{"a":{"b":[1,{"c":"d"}],"e":{}},"f":{ },"g":{"h":"\u0041"},"i":{"j":[ ]}}"#;
        let Ok(Val::Object(members, span)) = parse_text(text, 16) else {
            unreachable!("the text is JSON")
        };
        assert_eq!(span, Span::NONE);
        let spans: Vec<_> = members
            .iter()
            .map(|(_, value)| match value {
                Val::Object(members, span) => {
                    let mut written = String::new();
                    write_val_members(&mut written, members);
                    span.text(text)
                        .inspect(|copied| assert_eq!(*copied, written))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            spans,
            [Some(r#"{"b":[1,{"c":"d"}],"e":{}}"#), None, None, None]
        );
        let Ok(Val::Object(_, span)) = parse_text("{}", 16) else {
            unreachable!("the text is JSON")
        };
        assert_eq!(span.text("{}"), Some("{}"));
    }

    #[test]
    fn finds_the_first_string_stop_of_a_word() {
        // Near misses of every stop byte as the filler, and a second stop after the first.
        for filler in [
            b'a', 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff,
        ] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut word = [filler; 8];
                    word[at] = b;
                    let stops = string_stops(u64::from_le_bytes(word));
                    let expected = word.iter().position(|&c| is_string_stop(c));
                    let found = (stops != 0).then(|| (stops.trailing_zeros() / 8) as usize);
                    assert_eq!(found, expected, "{word:?}");
                    if at < 7 {
                        word[7] = b'"';
                        let stops = string_stops(u64::from_le_bytes(word));
                        let expected = word.iter().position(|&c| is_string_stop(c));
                        assert_eq!(Some((stops.trailing_zeros() / 8) as usize), expected);
                    }
                }
            }
        }
    }

    #[test]
    fn finds_the_end_of_a_plain_run_at_any_length_and_offset() {
        let naive = |bytes: &[u8], from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| is_string_stop(b))
                .map_or(bytes.len(), |at| from + at)
        };
        for len in 0..56 {
            for filler in [b'a', 0x7f, 0xc3, 0xff] {
                let plain = vec![filler; len];
                for from in 0..len.min(4) + 1 {
                    assert_eq!(plain_run_end(&plain, from), naive(&plain, from));
                    for at in from..len {
                        for stop in [b'"', b'\\', 0x00, 0x1f] {
                            let mut bytes = plain.clone();
                            bytes[at] = stop;
                            if at + 1 < len {
                                bytes[len - 1] = b'"';
                            }
                            assert_eq!(
                                plain_run_end(&bytes, from),
                                naive(&bytes, from),
                                "{bytes:?} from {from}"
                            );
                            assert_eq!(string_run_end(&bytes, from), naive(&bytes, from));
                        }
                    }
                }
            }
        }
        assert_eq!(plain_run_end(b"abc", 7), 7);
    }

    #[test]
    fn writes_decimals() {
        for n in [0, 7, 10, 4096, 65_535, usize::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn escapes_pointer_tokens() {
        assert_eq!(member_pointer("a/b~c"), "/a~1b~0c");
        assert_eq!(member_pointer(""), "/");
        assert_eq!(member_pointer("é/ü~~/\u{1F600}"), "/é~1ü~0~0~1\u{1F600}");
    }

    #[test]
    fn writes_floats_as_ecmascript_does() {
        for (f, text) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000_001, "0.000001"),
            (-0.0, "0"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1.234_5e300, "1.2345e+300"),
        ] {
            assert_eq!(js_number_text(f), text);
        }
    }
}
