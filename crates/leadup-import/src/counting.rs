//! A reader wrapper that counts the bytes read through it, so that a caller can show how far
//! an import has got while the importer owns the reader.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Passes reads through to the wrapped reader and counts their bytes.
#[derive(Debug)]
pub struct CountingReader<R> {
    inner: R,
    count: ByteCount,
}

/// A handle on a [`CountingReader`]'s count that stays usable after the reader was handed to
/// an importer (and from another thread).
#[derive(Debug, Clone, Default)]
pub struct ByteCount(Arc<AtomicU64>);

impl ByteCount {
    /// The number of bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl<R> CountingReader<R> {
    /// Wraps `inner`, starting the count at zero.
    pub fn new(inner: R) -> Self {
        Self { inner, count: ByteCount::default() }
    }

    /// A handle on the count.
    pub fn counter(&self) -> ByteCount {
        self.count.clone()
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.0.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_passes_through() {
        let mut reader = CountingReader::new(&b"hello, world"[..]);
        let counter = reader.counter();
        let mut buf = [0; 5];
        reader.read_exact(&mut buf).unwrap();
        assert_eq!(counter.get(), 5);
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, ", world");
        assert_eq!(counter.get(), 12);
    }
}
