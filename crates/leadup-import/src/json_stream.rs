//! Top-level JSON values taken one at a time from a stream, looking inside arrays: a file
//! holding one array, several arrays one after another (as `gh api --paginate` prints pages),
//! or objects one after another (JSON Lines) all come out as a sequence of elements.
//!
//! The scanner only finds where each element starts and ends (tracking strings and nesting)
//! and copies its bytes into a buffer that is reused; `serde_json` then parses that element
//! alone. So memory is bounded by the largest element, an element that is valid JSON but not
//! what the caller wants does not stop the stream, and every element knows the line it starts
//! on.

use std::io::{self, BufRead};

/// Elements of a JSON stream; see the module documentation.
pub(crate) struct JsonElements<R> {
    input: R,
    /// 1-based line of the next byte.
    line: u64,
    state: State,
    buffer: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between top-level values.
    Top,
    /// Inside an array, where an element or `]` comes next.
    ArrayStart,
    /// Inside an array, after an element, where `,` or `]` comes next.
    ArrayAfterElement,
    /// After a `,` in an array, where an element comes next.
    ArrayAfterComma,
    /// Nothing more: the end, or an error that cannot be read past.
    Finished,
}

/// What went wrong at a point of the stream that cannot be read past.
#[derive(Debug)]
pub(crate) struct Broken {
    pub(crate) line: u64,
    pub(crate) message: String,
}

impl<R: BufRead> JsonElements<R> {
    pub(crate) fn new(input: R) -> Self {
        Self { input, line: 1, state: State::Top, buffer: Vec::new() }
    }

    /// True when the stream holds no value at all (only whitespace); reads ahead to the first
    /// value without consuming it.
    pub(crate) fn is_empty(&mut self) -> io::Result<bool> {
        self.skip_whitespace()?;
        Ok(self.peek()?.is_none())
    }

    /// The next element: the line it starts on and its bytes.
    pub(crate) fn next_element(&mut self) -> Option<Result<(u64, &[u8]), Broken>> {
        if self.state == State::Finished {
            return None;
        }
        match self.advance() {
            Ok(Some(line)) => Some(Ok((line, &self.buffer))),
            Ok(None) => {
                self.state = State::Finished;
                None
            }
            Err(broken) => {
                self.state = State::Finished;
                Some(Err(broken))
            }
        }
    }

    fn advance(&mut self) -> Result<Option<u64>, Broken> {
        loop {
            self.skip_whitespace().map_err(|error| self.io_broken(&error))?;
            let next = self.peek().map_err(|error| self.io_broken(&error))?;
            match (self.state, next) {
                (State::Finished, _) | (State::Top, None) => return Ok(None),
                (State::Top, Some(b'[')) => {
                    self.bump();
                    self.state = State::ArrayStart;
                }
                (State::Top, Some(b'{')) => {
                    let line = self.capture()?;
                    return Ok(Some(line));
                }
                (State::Top, Some(byte)) => {
                    return Err(self.broken(format!("expected '[' or '{{', found {}", shown(byte))));
                }
                (State::ArrayStart | State::ArrayAfterElement, Some(b']')) => {
                    self.bump();
                    self.state = State::Top;
                }
                (State::ArrayAfterElement, Some(b',')) => {
                    self.bump();
                    self.state = State::ArrayAfterComma;
                }
                (State::ArrayAfterElement, Some(byte)) => {
                    return Err(self.broken(format!("expected ',' or ']' after an element, found {}", shown(byte))));
                }
                (State::ArrayStart | State::ArrayAfterComma, Some(_)) => {
                    let line = self.capture()?;
                    self.state = State::ArrayAfterElement;
                    return Ok(Some(line));
                }
                (State::ArrayStart | State::ArrayAfterElement | State::ArrayAfterComma, None) => {
                    return Err(self.broken("the input ends inside an array (no closing ']')".to_owned()));
                }
            }
        }
    }

    /// Copies the value that starts here into the buffer; returns the line it starts on.
    fn capture(&mut self) -> Result<u64, Broken> {
        let start = self.line;
        self.buffer.clear();
        let mut depth = 0u32;
        let mut in_string = false;
        let mut escaped = false;
        let first = self.peek().map_err(|error| self.io_broken(&error))?;
        let scalar = !matches!(first, Some(b'{' | b'[' | b'"'));
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(self.io_broken(&error)),
            };
            if chunk.is_empty() {
                if scalar {
                    return Ok(start);
                }
                return Err(Broken {
                    line: start,
                    message: "the input ends inside the value that starts on this line".to_owned(),
                });
            }
            let mut end = None;
            let mut newlines = 0;
            for (index, &byte) in chunk.iter().enumerate() {
                if scalar {
                    if matches!(byte, b',' | b']' | b'}' | b'[' | b'{' | b' ' | b'\t' | b'\r' | b'\n') {
                        end = Some(index);
                        break;
                    }
                    continue;
                }
                if byte == b'\n' {
                    newlines += 1;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if byte == b'\\' {
                        escaped = true;
                    } else if byte == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(index + 1);
                            break;
                        }
                    }
                    continue;
                }
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(index + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let taken = end.unwrap_or(chunk.len());
            self.buffer.extend_from_slice(&chunk[..taken]);
            self.input.consume(taken);
            self.line += newlines;
            if end.is_some() {
                return Ok(start);
            }
        }
    }

    fn skip_whitespace(&mut self) -> io::Result<()> {
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if chunk.is_empty() {
                return Ok(());
            }
            let mut skipped = 0;
            for &byte in chunk {
                match byte {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    // A byte order mark at the very start.
                    0xEF | 0xBB | 0xBF if self.line == 1 && self.state == State::Top => {}
                    _ => break,
                }
                skipped += 1;
            }
            let whole = skipped == chunk.len();
            self.input.consume(skipped);
            if !whole {
                return Ok(());
            }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.input.fill_buf() {
                Ok(chunk) => return Ok(chunk.first().copied()),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }

    fn bump(&mut self) {
        self.input.consume(1);
    }

    fn broken(&self, message: String) -> Broken {
        Broken { line: self.line, message }
    }

    fn io_broken(&self, error: &io::Error) -> Broken {
        Broken { line: self.line, message: format!("cannot read the input: {error}") }
    }
}

fn shown(byte: u8) -> String {
    if byte.is_ascii_graphic() { format!("'{}'", byte as char) } else { format!("byte 0x{byte:02x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements(json: &str) -> Vec<Result<(u64, String), String>> {
        let mut stream = JsonElements::new(json.as_bytes());
        let mut found = Vec::new();
        while let Some(next) = stream.next_element() {
            found.push(
                next.map(|(line, bytes)| (line, String::from_utf8(bytes.to_vec()).unwrap()))
                    .map_err(|broken| format!("{}: {}", broken.line, broken.message)),
            );
        }
        found
    }

    #[test]
    fn arrays_pages_and_lines_of_objects() {
        let json = "[\n  {\"a\": \"}\\\"]\"},\n  {\"b\": [1, {\"c\": 2}]}\n]\n[]\n[{\"d\":\n1}]{\"e\":1}\n{\"f\":1}";
        let found: Vec<_> = elements(json).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            found,
            [
                (2, r#"{"a": "}\"]"}"#.to_owned()),
                (3, r#"{"b": [1, {"c": 2}]}"#.to_owned()),
                (6, "{\"d\":\n1}".to_owned()),
                (7, r#"{"e":1}"#.to_owned()),
                (8, r#"{"f":1}"#.to_owned()),
            ]
        );
    }

    #[test]
    fn scalars_in_arrays_are_elements_and_empty_input_has_none() {
        let found: Vec<_> = elements("[1, \"x\", null]").into_iter().map(|e| e.unwrap().1).collect();
        assert_eq!(found, ["1", "\"x\"", "null"]);
        assert!(elements(" \n ").is_empty());
        assert!(JsonElements::new(&b"\n\n"[..]).is_empty().unwrap());
        assert!(!JsonElements::new(&b"\n[]"[..]).is_empty().unwrap());
    }

    #[test]
    fn broken_structure_stops_with_the_line() {
        assert_eq!(
            elements("[{\"a\":1}\n{\"b\":2}]"),
            [Ok((1, "{\"a\":1}".to_owned())), Err("2: expected ',' or ']' after an element, found '{'".to_owned())]
        );
        assert_eq!(elements("\n\n42"), [Err("3: expected '[' or '{', found '4'".to_owned())]);
        assert_eq!(
            elements("[{\"a\":1},\n{\"b\":\n"),
            [
                Ok((1, "{\"a\":1}".to_owned())),
                Err("2: the input ends inside the value that starts on this line".to_owned())
            ]
        );
        assert_eq!(
            elements("[{\"a\":1}"),
            [Ok((1, "{\"a\":1}".to_owned())), Err("1: the input ends inside an array (no closing ']')".to_owned())]
        );
    }
}
