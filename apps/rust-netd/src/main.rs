// rust-netd: a small HTTP/1.0 server in plain Rust std, built for wasm32-wasi and run unmodified on
// libc-shim. It creates its own sockets — TcpListener::bind, TcpStream::connect, UdpSocket,
// ToSocketAddrs — which Debian's wasm32-wasi std refuses (Unsupported) and Runikraft's std (rk
// builds it with a patched sys/wasi/net.rs) sends to libc-shim's socket extension.
//
// Usage: rust-netd [PORT] (default 8080). Each request is one GET; the answer is text/plain:
//   /                      greeting naming the client's address (peer_addr)
//   /tcp/HOST:PORT/TEXT    connects, sends TEXT, half-closes, answers with what the server sent
//   /udp/HOST:PORT/TEXT    sends TEXT in a datagram from a new socket and answers with the reply
//   /bind/PORT             tries TcpListener::bind on 0.0.0.0:PORT
//   /lookup/HOST:PORT      the addresses ToSocketAddrs resolves
//   /quit                  answers, then the program exits 0
// An operation that fails answers 502 with the error's kind and text.
use std::env;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

fn failed(what: &str, e: io::Error) -> (u16, String) {
    (502, format!("{}: {:?}: {}\n", what, e.kind(), e))
}

fn tcp(target: &str, text: &str) -> (u16, String) {
    let mut s = match TcpStream::connect(target) {
        Ok(s) => s,
        Err(e) => return failed("connect", e),
    };
    let local = s.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let peer = s.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    let mut reply = String::new();
    let r = s
        .write_all(format!("{}\n", text).as_bytes())
        .and_then(|_| s.shutdown(Shutdown::Write))
        .and_then(|_| s.set_read_timeout(Some(Duration::from_secs(5))))
        .and_then(|_| s.read_to_string(&mut reply));
    match r {
        Ok(_) => (200, format!("tcp {} -> {}: {}", local, peer, reply)),
        Err(e) => failed("tcp exchange", e),
    }
}

fn udp(target: &str, text: &str) -> (u16, String) {
    let r = UdpSocket::bind("0.0.0.0:0").and_then(|u| {
        u.set_read_timeout(Some(Duration::from_secs(5)))?;
        u.send_to(text.as_bytes(), target)?;
        let mut buf = [0u8; 1500];
        let (n, from) = u.recv_from(&mut buf)?;
        Ok(format!("udp reply from {}: {}\n", from, String::from_utf8_lossy(&buf[..n]).trim_end()))
    });
    match r {
        Ok(body) => (200, body),
        Err(e) => failed("udp", e),
    }
}

fn route(path: &str, peer: &str) -> (u16, String) {
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(3, '/').collect();
    match parts.as_slice() {
        [""] => (200, format!("hello from rust-netd; you are {}\n", peer)),
        ["tcp", target, text] => tcp(target, text),
        ["udp", target, text] => udp(target, text),
        ["bind", port] => match TcpListener::bind(("0.0.0.0", port.parse().unwrap_or(0))) {
            Ok(l) => (200, format!("bind: ok {:?}\n", l.local_addr())),
            Err(e) => failed("bind", e),
        },
        ["lookup", name] => match name.to_socket_addrs() {
            Ok(addrs) => {
                let list: Vec<String> = addrs.map(|a| a.to_string()).collect();
                (200, format!("lookup {}: {}\n", name, list.join(" ")))
            }
            Err(e) => failed("lookup", e),
        },
        ["quit"] => (200, "bye\n".to_string()),
        _ => (404, format!("no route {}\n", path)),
    }
}

/// Reads one request head; returns the path of a GET.
fn request(s: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf)?;
        if n == 0 || head.len() > 16 * 1024 {
            return Ok(None);
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.split_whitespace();
    Ok(match (words.next(), words.next()) {
        (Some("GET"), Some(path)) => Some(path.to_string()),
        _ => None,
    })
}

fn main() {
    let port: u16 = env::args().nth(1).map(|p| p.parse().expect("PORT is not a number")).unwrap_or(8080);
    let listener = match TcpListener::bind(("0.0.0.0", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("rust-netd: bind 0.0.0.0:{}: {:?}: {}", port, e.kind(), e);
            std::process::exit(1);
        }
    };
    println!("rust-netd: listening on {}", listener.local_addr().expect("local_addr"));
    for conn in listener.incoming() {
        let (mut s, peer) = match conn.and_then(|s| s.peer_addr().map(|p| (s, p))) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("rust-netd: accept: {}", e);
                continue;
            }
        };
        let path = match request(&mut s) {
            Ok(Some(p)) => p,
            _ => continue,
        };
        let (status, body) = route(&path, &peer.to_string());
        let reason = match status {
            200 => "OK",
            404 => "Not Found",
            _ => "Bad Gateway",
        };
        let head = format!(
            "HTTP/1.0 {} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            status,
            reason,
            body.len()
        );
        let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body.as_bytes()));
        println!("rust-netd: {} {} {}", peer, path, status);
        if path == "/quit" {
            println!("rust-netd: done");
            return;
        }
    }
}
