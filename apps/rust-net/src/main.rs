// rust-net: a word-count server in plain Rust std — std::net (TcpListener, TcpStream), std::fs,
// std::time, std::collections — built for wasm32-wasi by Debian's rustc and run unmodified on
// libc-shim. Debian's std (1.63) cannot bind or connect on wasm32-wasi; it accepts on a listener it
// is given, which is wasmtime's --tcplisten convention and libc-shim's `libc.listen`: the
// environment names the descriptor (LISTEN_FDS_START).
//
// Protocol: each line a client sends is a word; the server answers "<word> <times seen>". The line
// "stats" answers with the number of distinct words and the uptime; "quit" writes the counts to
// /counts.txt, reads the file back, prints it and exits.
use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::wasi::io::FromRawFd;
use std::time::Instant;

fn main() {
    let fd: i32 = env::var("LISTEN_FDS_START")
        .expect("no LISTEN_FDS_START: give a listener with libc.listen=tcp:0.0.0.0:PORT")
        .parse()
        .expect("LISTEN_FDS_START is not a number");
    // Safety: the runtime handed this descriptor to the program and nothing else owns it.
    let listener = unsafe { TcpListener::from_raw_fd(fd) };
    let started = Instant::now();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    println!("rust-net: listening on fd {}", fd);
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rust-net: accept: {}", e);
                continue;
            }
        };
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = [0u8; 2048];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                let word = String::from_utf8_lossy(&line[..line.len() - 1]).trim().to_string();
                let reply = match word.as_str() {
                    "stats" => format!(
                        "words {} uptime-ms {}\n",
                        counts.len(),
                        started.elapsed().as_millis()
                    ),
                    "quit" => {
                        let text: String =
                            counts.iter().map(|(w, c)| format!("{} {}\n", w, c)).collect();
                        fs::write("/counts.txt", &text).expect("write /counts.txt");
                        let back = fs::read_to_string("/counts.txt").expect("read /counts.txt");
                        let _ = stream.write_all(b"bye\n");
                        print!("rust-net: counts\n{}", back);
                        println!("rust-net: done");
                        return;
                    }
                    _ => {
                        let c = counts.entry(word.clone()).or_insert(0);
                        *c += 1;
                        format!("{} {}\n", word, c)
                    }
                };
                if stream.write_all(reply.as_bytes()).is_err() {
                    break;
                }
            }
        }
    }
}
