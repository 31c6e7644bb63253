//! The server over a real socket on loopback: clients that send their headers or body too
//! slowly are cut off, the number of connections is bounded, and the server keeps answering.

use std::net::SocketAddr;
use std::time::Duration;

use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, ServerLimits, app, serve_app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long a test waits for what must happen before it gives up (never reached when the
/// server works; it only keeps a broken server from hanging the suite).
const GIVE_UP: Duration = Duration::from_mins(1);

struct Server {
    addr: SocketAddr,
    _db: TestDatabase,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(limits: ServerLimits) -> Server {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(serve_app(listener, app(AppState::new(store)), limits, std::future::pending()));
    Server { addr, _db: db, task }
}

/// Everything the server sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GIVE_UP, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server never closed the connection; it sent {:?}", String::from_utf8_lossy(&answer));
    String::from_utf8_lossy(&answer).into_owned()
}

async fn healthz(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: leadup.test\r\nConnection: close\r\n\r\n").await.unwrap();
    read_to_close(&mut stream).await
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let limits = ServerLimits { header_timeout: Duration::from_secs(1), ..ServerLimits::default() };
    let server = start(limits).await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: leadup.test\r\nX-Slow: ").await.unwrap();
    let answer = read_to_close(&mut slow).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(read_to_close(&mut idle).await, "", "an idle connection is closed too");
    assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200 OK"));
}

#[tokio::test]
async fn a_body_that_stops_arriving_fails_the_request() {
    let limits = ServerLimits { body_timeout: Duration::from_secs(1), ..ServerLimits::default() };
    let server = start(limits).await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /login HTTP/1.1\r\nHost: leadup.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000\r\n\r\nemail=ada";
    slow.write_all(head.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 400 Bad Request"), "{answer}");
    assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200 OK"));
}

#[tokio::test]
async fn connections_beyond_the_bound_wait_for_a_free_one() {
    let limits = ServerLimits { max_connections: 2, ..ServerLimits::default() };
    let server = start(limits).await;
    let first = TcpStream::connect(server.addr).await.unwrap();
    let mut second = TcpStream::connect(server.addr).await.unwrap();
    // The second connection is served (so both slots are taken) before the third is made.
    second.write_all(b"GET /healthz HTTP/1.1\r\nHost: leadup.test\r\n\r\n").await.unwrap();
    let mut buffer = [0; 17];
    second.read_exact(&mut buffer).await.unwrap();
    assert_eq!(&buffer, b"HTTP/1.1 200 OK\r\n");
    let mut waiting = tokio::spawn(healthz(server.addr));
    // While both slots are taken the third is not served. (A slow machine can only make this
    // pass without a bound, never fail with one.)
    let early = tokio::time::timeout(Duration::from_secs(1), &mut waiting).await;
    assert!(early.is_err(), "a third connection was served while two were open: {early:?}");
    drop(first);
    let answer = tokio::time::timeout(GIVE_UP, waiting).await.expect("answered once a slot is free").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

#[tokio::test]
async fn shutting_down_finishes_the_connections_in_flight_and_returns() {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(serve_app(listener, app(AppState::new(store)), ServerLimits::default(), shutdown));
    let mut open = TcpStream::connect(addr).await.unwrap();
    open.write_all(b"GET /healthz HTTP/1.1\r\nHost: leadup.test\r\n\r\n").await.unwrap();
    let mut buffer = [0; 17];
    open.read_exact(&mut buffer).await.unwrap();
    stop.send(()).unwrap();
    // The kept-alive connection is closed once its answer is out, and the server returns.
    let rest = read_to_close(&mut open).await;
    assert!(rest.ends_with("ok"), "{rest}");
    let returned = tokio::time::timeout(GIVE_UP, task).await.expect("the server returned").unwrap();
    assert!(returned.is_ok(), "{returned:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "nothing listens any more");
}
