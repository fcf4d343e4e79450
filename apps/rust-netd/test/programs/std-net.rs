// Every std::net call Runikraft's std implements, on one program over 127.0.0.1 (TCP and UDP, the
// two ends in one thread: connect completes on the listener's backlog before accept). Each line
// prints what the call gave; the test compares the whole output.
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

fn main() {
    let l = TcpListener::bind("127.0.0.1:7070").unwrap();
    println!("bind {:?}", l.local_addr());
    println!("bind again {:?}", TcpListener::bind("127.0.0.1:7070").map_err(|e| e.kind()));
    println!("connect to a closed port {:?}", TcpStream::connect("127.0.0.1:7071").map_err(|e| e.kind()));
    let mut c = TcpStream::connect("127.0.0.1:7070").unwrap();
    let (mut s, peer) = l.accept().unwrap();
    println!("accept: peer is the client {}", Some(peer) == c.local_addr().ok());
    println!("peer_addr {:?}", c.peer_addr());
    println!("nodelay {:?}", c.set_nodelay(true).and_then(|_| c.nodelay()));
    c.write_all(b"ping").unwrap();
    let mut b = [0u8; 16];
    println!("peek {:?}", s.peek(&mut b).map(|n| String::from_utf8_lossy(&b[..n]).into_owned()));
    let n = s.read(&mut b).unwrap();
    println!("read {:?}", String::from_utf8_lossy(&b[..n]));
    let mut dup = s.try_clone().unwrap();
    dup.write_all(b"pong").unwrap();
    let n = c.read(&mut b).unwrap();
    println!("try_clone writes {:?}", String::from_utf8_lossy(&b[..n]));
    c.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    println!("read timeout {:?}: {:?}", c.read_timeout(), c.read(&mut b).map_err(|e| e.kind()));
    println!("zero timeout {:?}", c.set_read_timeout(Some(Duration::ZERO)).map_err(|e| e.kind()));
    c.set_read_timeout(None).unwrap();
    println!("no timeout {:?}", c.read_timeout());
    c.set_nonblocking(true).unwrap();
    println!("nonblocking read {:?}", c.read(&mut b).map_err(|e| e.kind()));
    c.shutdown(Shutdown::Write).unwrap();
    println!("eof after shutdown {:?}", s.read(&mut b));
    println!("take_error {:?}", s.take_error().map(|e| e.is_none()));
    println!("ipv6 {:?}", TcpListener::bind("[::1]:7070").map_err(|e| e.to_string()));
    println!("connect_timeout to a closed port {:?}", TcpStream::connect_timeout(&"127.0.0.1:7071".parse().unwrap(), Duration::from_secs(1)).map_err(|e| e.kind()));
    println!("connect_timeout to a silent host {:?}", TcpStream::connect_timeout(&"10.9.0.99:80".parse().unwrap(), Duration::from_millis(100)).map_err(|e| e.kind()));
    println!("connect_timeout zero {:?}", TcpStream::connect_timeout(&"127.0.0.1:7070".parse().unwrap(), Duration::ZERO).map_err(|e| e.kind()));

    let u1 = UdpSocket::bind("127.0.0.1:7072").unwrap();
    let u2 = UdpSocket::bind("127.0.0.1:0").unwrap();
    let a2 = u2.local_addr().unwrap();
    println!("udp ephemeral port {}", a2.port() != 0);
    println!("send_to {:?}", u2.send_to(b"datagram", "127.0.0.1:7072"));
    println!("peek_from {:?}", u1.peek_from(&mut b).map(|(n, a)| (n, a == a2)));
    let (n, from) = u1.recv_from(&mut b).unwrap();
    println!("recv_from {:?} from the sender {}", String::from_utf8_lossy(&b[..n]), from == a2);
    u1.connect(from).unwrap();
    println!("udp peer_addr {:?}", u1.peer_addr().map(|a| a == a2));
    u1.send(b"back").unwrap();
    let n = u2.recv(&mut b).unwrap();
    println!("connected send/recv {:?}", String::from_utf8_lossy(&b[..n]));
    println!("broadcast {:?}", u2.set_broadcast(true).and_then(|_| u2.broadcast()));
    u2.set_read_timeout(Some(Duration::from_millis(30))).unwrap();
    println!("udp read timeout {:?}", u2.recv(&mut b).map_err(|e| e.kind()));
    println!("ttl {:?}", u2.ttl().map_err(|e| e.kind()));

    let v: Vec<SocketAddr> = "localhost:80".to_socket_addrs().unwrap().collect();
    println!("lookup localhost:80 {:?}", v);
    println!("lookup literal {:?}", ("10.1.2.3", 5).to_socket_addrs().map(|v| v.collect::<Vec<_>>()));
    println!("lookup bad port {:?}", "localhost:x".to_socket_addrs().map_err(|e| e.kind()));
    println!("lookup nul {:?}", "a\0b:1".to_socket_addrs().map_err(|e| e.kind()));
}
