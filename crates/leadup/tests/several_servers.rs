//! Several `leadup serve` processes on one PostgreSQL behind a load balancer behave as one
//! server: three servers behind a round-robin TCP proxy written here (on loopback) take a
//! mixed load of API writes and reads while one of them is killed (SIGKILL); every write
//! acknowledged with its id is stored exactly once, wrong passwords spread over the three are
//! throttled as if by one (the sixth is refused), and the day's background work (forecasts
//! refreshed, a brief drafted for review per due executive, one brief sent and queued) runs
//! exactly once. And a server told to stop (SIGTERM) drains: `/readyz` answers 503, the
//! request in flight is answered, and it exits 0.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use leadup_store::Store;
use leadup_store::testing::{TestDatabase, execute};
use serde_json::Value;
use support::Server;
use time::OffsetDateTime;

const MANAGER: &str = "sofia.marchetti@example.com";
const MATEO: &str = "mateo.fernandez@example.com";

/// A round-robin TCP proxy on loopback: each connection goes to the next backend, or the one
/// after it when that one refuses (as a load balancer's passive health check does).
struct Proxy {
    addr: String,
    /// The backend each connection went to, in order.
    served: Arc<Mutex<Vec<usize>>>,
}

fn proxy(backends: Vec<SocketAddr>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let served = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&served);
    thread::spawn(move || {
        let mut next = 0;
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let upstream = (0..backends.len()).map(|offset| (next + offset) % backends.len()).find_map(|index| {
                TcpStream::connect_timeout(&backends[index], Duration::from_secs(1)).ok().map(|s| (index, s))
            });
            let Some((index, upstream)) = upstream else { continue };
            next = (index + 1) % backends.len();
            kept.lock().unwrap().push(index);
            let (client_back, upstream_back) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            thread::spawn(move || copy_then_close(client, upstream));
            thread::spawn(move || copy_then_close(upstream_back, client_back));
        }
    });
    Proxy { addr, served }
}

fn copy_then_close(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

/// One HTTP/1.1 request on its own connection: (status, body); status 0 when the connection
/// failed before an answer (a server killed mid-request).
fn http(addr: &str, method: &str, path: &str, headers: &str, body: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(addr) else { return (0, String::new()) };
    stream.set_read_timeout(Some(Duration::from_mins(1))).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut response = String::new();
    if stream.read_to_string(&mut response).is_err() {
        return (0, String::new());
    }
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// Waits up to a minute for `done`.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_mins(1);
    while !done() {
        assert!(Instant::now() < deadline, "{what} did not happen within a minute");
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn three_servers_on_one_postgresql_behave_as_one() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = runtime.block_on(TestDatabase::postgres()) else { return };
    let store = runtime.block_on(Store::connect(&db.url)).unwrap();
    let today = OffsetDateTime::now_utc().date();

    // The demo workspace, made by `leadup demo`, which drains on SIGTERM and exits 0.
    let mut demo = Server::start(&db.url, "demo");
    let (token, password) = (demo.token.clone(), demo.password(MANAGER).to_owned());
    demo.signal("TERM");
    let exited = demo.wait_exit(Duration::from_secs(30)).expect("the demo server exits once drained");
    assert!(exited.success(), "{exited:?}");

    // As if a new day had begun: the day's work not done, no drafts waiting, and Mateo's
    // profile asking for briefs sent without review (by e-mail: queued in the outbox, which
    // each delivery leaves through exactly one server, as the store's conformance tests show).
    let teams = runtime.block_on(store.teams()).unwrap().iter().map(|t| t.id).collect::<Vec<_>>();
    let mateo = runtime.block_on(store.user_by_email(MATEO)).unwrap().expect("Mateo is a demo user").id;
    let drafted = runtime.block_on(store.brief_drafts(&teams)).unwrap();
    let expected: BTreeSet<(i64, i64)> =
        drafted.iter().filter(|d| d.stakeholder_id != mateo).map(|d| (d.stakeholder_id, d.team_id)).collect();
    assert!(!expected.is_empty(), "the demo drafts briefs for other executives too: {drafted:?}");
    for sql in [
        "DELETE FROM job_leases".to_owned(),
        "DELETE FROM briefs WHERE sent_at IS NULL".to_owned(),
        format!("UPDATE stakeholder_profiles SET schedule = 'send' WHERE user_id = {mateo}"),
    ] {
        runtime.block_on(execute(&store, &sql)).unwrap();
    }

    // Three servers started at once, racing for the day's work.
    let servers: Vec<Server> = thread::scope(|scope| {
        let started: Vec<_> = (0..3).map(|_| scope.spawn(|| Server::start(&db.url, "serve"))).collect();
        started.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let proxy = proxy(servers.iter().map(|s| s.addr.parse().unwrap()).collect());
    let auth = format!("Authorization: Bearer {token}\r\n");

    // Wrong passwords spread over the three servers are throttled as if by one.
    let before = proxy.served.lock().unwrap().len();
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let answers: Vec<u16> = (0..6)
        .map(|_| {
            let body = format!("email={}&password=not-the-password", MANAGER.replace('@', "%40"));
            http(&proxy.addr, "POST", "/login", form, &body).0
        })
        .collect();
    assert_eq!(answers, [401, 401, 401, 401, 401, 429]);
    let spread: BTreeSet<usize> = proxy.served.lock().unwrap()[before..].iter().copied().collect();
    assert_eq!(spread, BTreeSet::from([0, 1, 2]), "the six attempts went to all three servers");
    // The right password is refused too now, from this client, on any server.
    let body = format!("email={}&password={password}", MANAGER.replace('@', "%40"));
    assert_eq!(http(&proxy.addr, "POST", "/login", form, &body).0, 429);

    // The day's work ran once: its lease records the day, one brief per due executive.
    eventually("the day's work", || {
        let lease = runtime.block_on(store.job_lease(leadup_app::refresher::DAILY_JOB)).unwrap();
        lease.and_then(|l| l.completed) == Some(today.to_string())
    });
    // A mixed load through the proxy; one server is killed in the middle of it.
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, String, bool)>::new()));
    let reads = Arc::new(Mutex::new(BTreeMap::<(bool, u16), usize>::new()));
    let payments = {
        let (status, body) = http(&proxy.addr, "GET", "/api/v1/teams", &auth, "");
        assert_eq!(status, 200, "{body}");
        let teams: Value = serde_json::from_str(&body).unwrap();
        teams.as_array().unwrap().iter().find(|t| t["name"] == "Payments").unwrap()["id"].as_i64().unwrap()
    };
    thread::scope(|scope| {
        for writer in 0..4 {
            let (stop, killed, acknowledged, auth, addr) = (&stop, &killed, &acknowledged, &auth, &proxy.addr);
            scope.spawn(move || {
                let json = format!("{auth}Content-Type: application/json\r\n");
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let summary = format!("load test {writer}-{n}");
                    let body = format!(r#"{{"kind":"customer_interview","summary":"{summary}"}}"#);
                    let (status, answer) = http(addr, "POST", "/api/v1/evidence", &json, &body);
                    if status == 201 {
                        let id = serde_json::from_str::<Value>(&answer).unwrap()["id"].as_i64().unwrap();
                        acknowledged.lock().unwrap().push((id, summary, killed.load(Ordering::SeqCst)));
                    }
                }
            });
        }
        for reader in 0..4 {
            let (stop, killed, reads, auth, addr) = (&stop, &killed, &reads, &auth, &proxy.addr);
            scope.spawn(move || {
                let path =
                    if reader % 2 == 0 { "/api/v1/initiatives".to_owned() } else { format!("/teams/{payments}") };
                while !stop.load(Ordering::SeqCst) {
                    let (status, _) = http(addr, "GET", &path, auth, "");
                    *reads.lock().unwrap().entry((killed.load(Ordering::SeqCst), status)).or_default() += 1;
                }
            });
        }
        thread::sleep(Duration::from_secs(3));
        servers[1].signal("KILL");
        killed.store(true, Ordering::SeqCst);
        thread::sleep(Duration::from_secs(4));
        stop.store(true, Ordering::SeqCst);
    });

    // Every acknowledged write is stored exactly once, under the id it was acknowledged with.
    let acknowledged = acknowledged.lock().unwrap().clone();
    let after_kill = acknowledged.iter().filter(|(_, _, after)| *after).count();
    assert!(acknowledged.len() >= 20 && after_kill >= 5, "{} writes, {after_kill} after the kill", acknowledged.len());
    let (status, body) = http(&proxy.addr, "GET", "/api/v1/evidence", &auth, "");
    assert_eq!(status, 200);
    let stored: Value = serde_json::from_str(&body).unwrap();
    let mut by_summary: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for piece in stored.as_array().unwrap() {
        by_summary
            .entry(piece["summary"].as_str().unwrap().to_owned())
            .or_default()
            .push(piece["id"].as_i64().unwrap());
    }
    for (id, summary, _) in &acknowledged {
        assert_eq!(by_summary.get(summary), Some(&vec![*id]), "{summary}");
    }
    let reads = reads.lock().unwrap().clone();
    let read_after_kill: usize =
        reads.iter().filter(|((after, status), _)| *after && *status == 200).map(|(_, n)| n).sum();
    assert!(read_after_kill > 0, "reads went on after the kill: {reads:?}");

    // The day's work ran exactly once across the three servers.
    let drafts = runtime.block_on(store.brief_drafts(&teams)).unwrap();
    let drafted: Vec<(i64, i64)> = drafts.iter().map(|d| (d.stakeholder_id, d.team_id)).collect();
    assert_eq!(drafted.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(drafted.len(), expected.len(), "one draft per executive and team: {drafted:?}");
    let queued = runtime.block_on(store.deliveries(None, 100)).unwrap();
    let to_mateo: Vec<_> = queued.iter().filter(|d| d.recipient == MATEO).collect();
    assert_eq!(to_mateo.len(), 1, "one brief sent to Mateo without review, queued once: {queued:?}");
    let sent = runtime.block_on(store.last_sent_brief(mateo, payments, i64::MAX)).unwrap().expect("sent to Mateo");
    assert_eq!(to_mateo[0].about.as_ref().map(|a| a.id), Some(sent.id));
    assert_eq!(OffsetDateTime::from_unix_timestamp(sent.sent_at.unwrap()).unwrap().date(), today);
    drop(servers);
}

#[test]
fn a_server_told_to_stop_drains_its_requests_and_exits_0() {
    let db = TestDatabase::sqlite();
    let mut server = Server::start_with(&db.url, "demo", &["--drain-delay", "3", "--drain-timeout", "20"]);
    assert_eq!(http(&server.addr, "GET", "/readyz", "", ""), (200, "ready".to_owned()));
    // A sign-in whose body is still arriving when the server is told to stop.
    let mut in_flight = TcpStream::connect(&server.addr).unwrap();
    let body = format!("email={}&password=not-the-password", MANAGER.replace('@', "%40"));
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        body.len()
    );
    in_flight.write_all(head.as_bytes()).unwrap();
    in_flight.write_all(&body.as_bytes()[..10]).unwrap();
    thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    eventually("/readyz saying draining", || {
        http(&server.addr, "GET", "/readyz", "", "") == (503, "draining: this server is stopping".to_owned())
    });
    assert_eq!(http(&server.addr, "GET", "/healthz", "", "").0, 200, "still healthy while draining");
    in_flight.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401 "), "the request in flight is answered: {answer}");
    let exited = server.wait_exit(Duration::from_secs(30)).expect("the server exits once drained");
    assert!(exited.success(), "{exited:?}");
    assert!(TcpStream::connect(&server.addr).is_err(), "nothing listens any more");
}
