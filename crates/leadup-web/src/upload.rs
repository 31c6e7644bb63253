//! Uploads streamed to the importer: a request body, or the file field of a form, is handed
//! chunk by chunk to a blocking [`Read`] on the importer's thread through a small bounded
//! channel. The server holds a few chunks of an upload at a time, whatever the file's size;
//! a client that sends faster than the import writes waits (its connection's flow control).

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use tokio::sync::mpsc;

use crate::imports::MAX_UPLOAD;

/// Chunks in flight between the connection and the importer.
const IN_FLIGHT: usize = 8;

/// The importer's side: reads the chunks as they arrive.
pub(crate) struct UploadReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for UploadReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.current.is_empty() {
                let n = buf.len().min(self.current.len());
                buf[..n].copy_from_slice(&self.current.split_to(n));
                return Ok(n);
            }
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
    }
}

/// Why an upload was cut off before its end.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// It passed [`MAX_UPLOAD`].
    TooLarge,
    /// The client's upload broke off, as said.
    Broken(String),
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cut::TooLarge => write!(f, "the file is larger than {} MiB", MAX_UPLOAD / (1024 * 1024)),
            Cut::Broken(message) => write!(f, "the upload broke off: {message}"),
        }
    }
}

/// Where an upload's chunks come from: a request body or a form's file field.
pub(crate) trait Chunks {
    /// The next chunk; `None` at the end.
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, Cut>> + Send;
}

impl Chunks for axum::body::Body {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Cut> {
        use http_body::Body as _;
        loop {
            let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *self).poll_frame(cx)).await;
            match frame {
                None => return Ok(None),
                Some(Err(error)) => return Err(Cut::Broken(error.to_string())),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}

impl Chunks for axum::extract::multipart::Field<'_> {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Cut> {
        self.chunk().await.map_err(|error| {
            if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Cut::TooLarge
            } else {
                Cut::Broken(error.body_text())
            }
        })
    }
}

/// The connection's side: hands over the chunks, counting them against [`MAX_UPLOAD`].
pub(crate) struct UploadSender {
    chunks: mpsc::Sender<io::Result<Bytes>>,
    cut: Arc<Mutex<Option<Cut>>>,
}

/// Whether the upload was cut off, once the importer is done with it.
#[derive(Clone, Default)]
pub(crate) struct Outcome(Arc<Mutex<Option<Cut>>>);

impl Outcome {
    /// Why the upload was cut off, if it was (known before the importer read the error).
    pub(crate) fn cut(&self) -> Option<Cut> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// A connected pair, and where a cut is recorded.
pub(crate) fn channel() -> (UploadSender, UploadReader, Outcome) {
    let (sender, receiver) = mpsc::channel(IN_FLIGHT);
    let outcome = Outcome::default();
    (
        UploadSender { chunks: sender, cut: outcome.0.clone() },
        UploadReader { chunks: receiver, current: Bytes::new() },
        outcome,
    )
}

impl UploadSender {
    /// Hands over `source`'s chunks until its end or its error, or until the importer stops
    /// reading; an upload past [`MAX_UPLOAD`] is cut off there. A cut is recorded in the
    /// [`Outcome`], then the importer reads an error where the upload was cut off.
    pub(crate) async fn forward(self, source: &mut impl Chunks) {
        let mut total = 0;
        let cut = loop {
            match source.next_chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > MAX_UPLOAD {
                        break Cut::TooLarge;
                    }
                    if self.chunks.send(Ok(chunk)).await.is_err() {
                        return; // The importer has what it needs, or stopped.
                    }
                }
                Ok(None) => return,
                Err(cut) => break cut,
            }
        };
        let message = cut.to_string();
        *self.cut.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(cut);
        let _ = self.chunks.send(Err(io::Error::other(message))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks from a list, as a client would send them.
    struct Parts(std::vec::IntoIter<Result<Option<Bytes>, Cut>>);

    impl Chunks for Parts {
        async fn next_chunk(&mut self) -> Result<Option<Bytes>, Cut> {
            self.0.next().unwrap_or(Ok(None))
        }
    }

    fn read_all(mut reader: UploadReader) -> tokio::task::JoinHandle<Result<usize, String>> {
        tokio::task::spawn_blocking(move || {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map(|_| bytes.len()).map_err(|e| e.to_string())
        })
    }

    #[tokio::test]
    async fn chunks_arrive_in_order_and_the_end_reads_as_zero() {
        let (sender, mut reader, outcome) = channel();
        let reading = tokio::task::spawn_blocking(move || {
            let mut text = String::new();
            reader.read_to_string(&mut text).map(|_| text)
        });
        let mut parts = Parts(
            vec![Ok(Some(Bytes::from_static(b"key,done\n"))), Ok(Some(Bytes::from_static(b"A-1,2026-01-02\n")))]
                .into_iter(),
        );
        sender.forward(&mut parts).await;
        assert_eq!(reading.await.unwrap().unwrap(), "key,done\nA-1,2026-01-02\n");
        assert_eq!(outcome.cut(), None);
    }

    #[tokio::test]
    async fn a_broken_upload_is_an_error_for_the_reader() {
        let (sender, reader, outcome) = channel();
        let reading = read_all(reader);
        let broken = Cut::Broken("connection reset".into());
        let mut parts = Parts(vec![Ok(Some(Bytes::from_static(b"key,done\n"))), Err(broken)].into_iter());
        sender.forward(&mut parts).await;
        assert_eq!(reading.await.unwrap().unwrap_err(), "the upload broke off: connection reset");
        assert_eq!(outcome.cut(), Some(Cut::Broken("connection reset".into())));
    }

    #[tokio::test]
    async fn an_upload_past_the_limit_is_cut_off_there() {
        let (sender, reader, outcome) = channel();
        let reading = read_all(reader);
        let mebibyte = Bytes::from(vec![b'x'; 1024 * 1024]);
        let chunks = MAX_UPLOAD / mebibyte.len() + 1;
        let mut parts = Parts((0..chunks).map(|_| Ok(Some(mebibyte.clone()))).collect::<Vec<_>>().into_iter());
        sender.forward(&mut parts).await;
        assert_eq!(reading.await.unwrap().unwrap_err(), "the file is larger than 256 MiB");
        assert_eq!(outcome.cut(), Some(Cut::TooLarge));
    }
}
