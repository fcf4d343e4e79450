// Runikraft patch of Rust 1.63's standard library for wasm32-wasi: this file replaces
// library/std/src/sys/wasi/net.rs when tools/rk builds std from Debian's rust-src
// (tools/rk/src/rust-std.ts). The stock file answers Unsupported to every socket call but
// accept/read/write, since preview1 cannot create sockets. Here TcpListener::bind,
// TcpStream::connect, UdpSocket and lookup_host go through the socket extension of
// wasi_snapshot_preview1 that Runikraft's libc-shim provides, with WasmEdge's names and layouts
// (packages/libc-shim/src/wasi/sockets-ext.ts; the C side is packages/libc-shim/c/rk_socket.c):
//   sock_open(af, socktype, *fd)            af 1 inet4, 2 inet6; socktype 1 dgram, 2 stream
//   sock_bind / sock_connect(fd, *address, port)       address {buf, buf_len}: 4 or 16 bytes
//   sock_listen(fd, backlog)
//   sock_recv_from(fd, iovs, n, *address, riflags, *port, *len, *roflags)  family u16, then bytes
//   sock_send_to(fd, iovs, n, *address, port, siflags, *len)
//   sock_getlocaladdr / sock_getpeeraddr(fd, *address, *addr_type, *port)  addr_type 4 or 6
//   sock_getsockopt / sock_setsockopt(fd, level, name, *val, len)  level 0 = SOL_SOCKET with
//                                           WasmEdge's names; level 6 = IPPROTO_TCP, Linux's names
//   sock_getaddrinfo(node, node_len, service, service_len, *hints, *res, max, *res_len)
// and WASIX's fd_dup (namespace wasix_32v1) for try_clone. Errors are WASI errno values, which
// sys::wasi::decode_error_kind already maps (ADDRINUSE → AddrInUse, CONNREFUSED →
// ConnectionRefused, ...). The linker keeps an import only when the program calls it, so a program
// that opens no socket still runs on any preview1 runtime.
//
// Kept as Rust 1.63 has them: reads, writes, accept, shutdown and set_nonblocking over preview1's
// fd_read/fd_write/sock_accept/sock_shutdown/fd_fdstat_*, and the `netc` module. Still
// Unsupported: TTL, IPV6_V6ONLY and multicast (the extension has no IP-level options).
#![deny(unsafe_op_in_unsafe_fn)]

use super::err2io;
use super::fd::WasiFd;
use crate::fmt;
use crate::io::{self, IoSlice, IoSliceMut};
use crate::mem;
use crate::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6};
use crate::os::wasi::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use crate::ptr;
use crate::sys::unsupported;
use crate::sys_common::{AsInner, FromInner, IntoInner};
use crate::time::Duration;
use crate::vec;

/// The extension's imports and structures (wasm32 layouts).
mod ext {
    /// An address: its bytes in `buf` (4 for IPv4, 16 for IPv6).
    #[repr(C)]
    pub struct Address {
        pub buf: *mut u8,
        pub buf_len: u32,
    }

    /// An entry of sock_getaddrinfo's chain, which the caller preallocates (28 bytes).
    #[repr(C)]
    pub struct AddrInfo {
        pub flags: u16,
        pub family: u8,
        pub socktype: u8,
        pub protocol: u8,
        pub addrlen: u32,
        pub addr: *mut Sockaddr,
        pub canonname: *mut u8,
        pub canonname_len: u32,
        pub next: *mut AddrInfo,
    }

    /// The address of an entry: `data` is the port (big-endian), then the address bytes.
    #[repr(C)]
    pub struct Sockaddr {
        pub family: u8,
        pub data_len: u32,
        pub data: *mut u8,
    }

    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn sock_open(af: u32, socktype: u32, fd: *mut u32) -> u32;
        pub fn sock_bind(fd: u32, addr: *const Address, port: u32) -> u32;
        pub fn sock_listen(fd: u32, backlog: u32) -> u32;
        pub fn sock_connect(fd: u32, addr: *const Address, port: u32) -> u32;
        pub fn sock_recv_from(
            fd: u32,
            iovs: *mut u8,
            iovs_len: u32,
            addr: *mut Address,
            riflags: u32,
            port: *mut u32,
            len: *mut u32,
            roflags: *mut u32,
        ) -> u32;
        pub fn sock_send_to(
            fd: u32,
            iovs: *const u8,
            iovs_len: u32,
            addr: *const Address,
            port: u32,
            siflags: u32,
            len: *mut u32,
        ) -> u32;
        pub fn sock_getlocaladdr(fd: u32, addr: *mut Address, ty: *mut u32, port: *mut u32)
        -> u32;
        pub fn sock_getpeeraddr(fd: u32, addr: *mut Address, ty: *mut u32, port: *mut u32) -> u32;
        pub fn sock_getsockopt(fd: u32, level: u32, name: u32, val: *mut u8, len: *mut u32)
        -> u32;
        pub fn sock_setsockopt(fd: u32, level: u32, name: u32, val: *const u8, len: u32) -> u32;
        pub fn sock_getaddrinfo(
            node: *const u8,
            node_len: u32,
            service: *const u8,
            service_len: u32,
            hints: *const AddrInfo,
            res: *mut *mut AddrInfo,
            max: u32,
            res_len: *mut u32,
        ) -> u32;
    }

    #[link(wasm_import_module = "wasix_32v1")]
    extern "C" {
        pub fn fd_dup(fd: u32, out: *mut u32) -> u32;
    }
}

const AF_INET4: u32 = 1;
const AF_INET6: u32 = 2;
const SOCK_DGRAM: u32 = 1;
const SOCK_STREAM: u32 = 2;
const SOL_SOCKET: u32 = 0;
const IPPROTO_TCP: u32 = 6;
// SOL_SOCKET option names in WasmEdge's numbering.
const SO_REUSEADDR: u32 = 0;
const SO_ERROR: u32 = 2;
const SO_BROADCAST: u32 = 4;
const SO_LINGER: u32 = 9;
const SO_RCVTIMEO: u32 = 11;
const SO_SNDTIMEO: u32 = 12;
const TCP_NODELAY: u32 = 1;
/// Linux's default listen backlog, as std's unix TcpListener::bind uses.
const BACKLOG: u32 = 128;

/// A WASI errno as io::Result.
fn cvt(errno: u32) -> io::Result<()> {
    if errno == 0 { Ok(()) } else { Err(io::Error::from_raw_os_error(errno as i32)) }
}

/// An address's bytes, in a buffer the extension reads through an `Address`.
struct AddrBytes {
    bytes: [u8; 16],
    len: u32,
}

impl AddrBytes {
    fn of(addr: &SocketAddr) -> AddrBytes {
        let mut bytes = [0u8; 16];
        let len = match addr {
            SocketAddr::V4(a) => {
                bytes[..4].copy_from_slice(&a.ip().octets());
                4
            }
            SocketAddr::V6(a) => {
                bytes.copy_from_slice(&a.ip().octets());
                16
            }
        };
        AddrBytes { bytes, len }
    }

    fn address(&mut self) -> ext::Address {
        ext::Address { buf: self.bytes.as_mut_ptr(), buf_len: self.len }
    }
}

/// The socket address of `bytes` (4 for IPv4, 16 for IPv6) and `port`.
fn socket_addr(v6: bool, bytes: &[u8], port: u32) -> SocketAddr {
    let port = port as u16;
    if v6 {
        let mut b = [0u8; 16];
        b.copy_from_slice(&bytes[..16]);
        SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(b), port, 0, 0))
    } else {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]), port))
    }
}

fn zero_timeout() -> io::Error {
    io::const_io_error!(io::ErrorKind::InvalidInput, "cannot set a 0 duration timeout")
}

pub struct Socket(WasiFd);

impl Socket {
    /// A new socket of `addr`'s family (IPv6 is EAFNOSUPPORT on Runikraft: rknet has no IPv6).
    fn new(addr: &SocketAddr, socktype: u32) -> io::Result<Socket> {
        let af = if addr.is_ipv4() { AF_INET4 } else { AF_INET6 };
        let mut fd = 0u32;
        cvt(unsafe { ext::sock_open(af, socktype, &mut fd) })?;
        // SAFETY: sock_open gave this descriptor to us alone.
        Ok(unsafe { Socket::from_raw_fd(fd as RawFd) })
    }

    fn fd(&self) -> u32 {
        self.as_raw_fd() as u32
    }

    fn bind(&self, addr: &SocketAddr) -> io::Result<()> {
        let mut b = AddrBytes::of(addr);
        let a = b.address();
        cvt(unsafe { ext::sock_bind(self.fd(), &a, addr.port() as u32) })
    }

    fn connect(&self, addr: &SocketAddr) -> io::Result<()> {
        let mut b = AddrBytes::of(addr);
        let a = b.address();
        cvt(unsafe { ext::sock_connect(self.fd(), &a, addr.port() as u32) })
    }

    /// The local (or the peer's) address.
    fn name(&self, peer: bool) -> io::Result<SocketAddr> {
        let mut bytes = [0u8; 16];
        let mut a = ext::Address { buf: bytes.as_mut_ptr(), buf_len: 16 };
        let (mut ty, mut port) = (0u32, 0u32);
        cvt(unsafe {
            if peer {
                ext::sock_getpeeraddr(self.fd(), &mut a, &mut ty, &mut port)
            } else {
                ext::sock_getlocaladdr(self.fd(), &mut a, &mut ty, &mut port)
            }
        })?;
        Ok(socket_addr(ty == 6, &bytes, port))
    }

    fn setsockopt<T>(&self, level: u32, name: u32, val: T) -> io::Result<()> {
        let p = &val as *const T as *const u8;
        cvt(unsafe { ext::sock_setsockopt(self.fd(), level, name, p, mem::size_of::<T>() as u32) })
    }

    fn getsockopt<T: Copy>(&self, level: u32, name: u32) -> io::Result<T> {
        let mut val: T = unsafe { mem::zeroed() };
        let mut len = mem::size_of::<T>() as u32;
        let p = &mut val as *mut T as *mut u8;
        cvt(unsafe { ext::sock_getsockopt(self.fd(), level, name, p, &mut len) })?;
        Ok(val)
    }

    fn flag(&self, level: u32, name: u32) -> io::Result<bool> {
        Ok(self.getsockopt::<i32>(level, name)? != 0)
    }

    fn set_flag(&self, level: u32, name: u32, on: bool) -> io::Result<()> {
        self.setsockopt(level, name, on as i32)
    }

    /// SO_RCVTIMEO / SO_SNDTIMEO as a struct timeval {i64 tv_sec; i64 tv_usec}, as std's unix
    /// sockets set them: a zero duration is an error, a sub-microsecond one rounds up.
    fn set_timeout(&self, dur: Option<Duration>, name: u32) -> io::Result<()> {
        let tv: [i64; 2] = match dur {
            Some(d) if d.is_zero() => return Err(zero_timeout()),
            Some(d) => {
                let secs = d.as_secs().min(i32::MAX as u64) as i64;
                let usecs = d.subsec_micros() as i64;
                [secs, if secs == 0 && usecs == 0 { 1 } else { usecs }]
            }
            None => [0, 0],
        };
        self.setsockopt(SOL_SOCKET, name, tv)
    }

    fn timeout(&self, name: u32) -> io::Result<Option<Duration>> {
        let tv: [i64; 2] = self.getsockopt(SOL_SOCKET, name)?;
        if tv[0] == 0 && tv[1] == 0 {
            Ok(None)
        } else {
            Ok(Some(Duration::new(tv[0] as u64, (tv[1] as u32) * 1000)))
        }
    }

    fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        let l: [i32; 2] = match linger {
            Some(d) => [1, d.as_secs().min(i32::MAX as u64) as i32],
            None => [0, 0],
        };
        self.setsockopt(SOL_SOCKET, SO_LINGER, l)
    }

    fn linger(&self) -> io::Result<Option<Duration>> {
        let l: [i32; 2] = self.getsockopt(SOL_SOCKET, SO_LINGER)?;
        Ok(if l[0] != 0 { Some(Duration::from_secs(l[1] as u64)) } else { None })
    }

    fn take_error(&self) -> io::Result<Option<io::Error>> {
        let e: i32 = self.getsockopt(SOL_SOCKET, SO_ERROR)?;
        Ok(if e == 0 { None } else { Some(io::Error::from_raw_os_error(e)) })
    }

    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        let fdstat = unsafe { wasi::fd_fdstat_get(self.fd()).map_err(err2io)? };
        let mut flags = fdstat.fs_flags;
        if on {
            flags |= wasi::FDFLAGS_NONBLOCK;
        } else {
            flags &= !wasi::FDFLAGS_NONBLOCK;
        }
        unsafe { wasi::fd_fdstat_set_flags(self.fd(), flags).map_err(err2io) }
    }

    fn duplicate(&self) -> io::Result<Socket> {
        let mut fd = 0u32;
        cvt(unsafe { ext::fd_dup(self.fd(), &mut fd) })?;
        // SAFETY: fd_dup gave this descriptor to us alone.
        Ok(unsafe { Socket::from_raw_fd(fd as RawFd) })
    }

    fn recv_with_flags(&self, buf: &mut [u8], riflags: wasi::Riflags) -> io::Result<usize> {
        Ok(self.0.sock_recv(&mut [IoSliceMut::new(buf)], riflags)?.0)
    }

    fn recv_from(&self, buf: &mut [u8], riflags: u32) -> io::Result<(usize, SocketAddr)> {
        // The sender: family u16 (1 inet4, 2 inet6), then its bytes.
        let mut raw = [0u8; 32];
        let mut a = ext::Address { buf: raw.as_mut_ptr(), buf_len: raw.len() as u32 };
        let mut iov = [IoSliceMut::new(buf)];
        let (mut port, mut len, mut roflags) = (0u32, 0u32, 0u32);
        cvt(unsafe {
            ext::sock_recv_from(
                self.fd(),
                iov.as_mut_ptr() as *mut u8,
                1,
                &mut a,
                riflags,
                &mut port,
                &mut len,
                &mut roflags,
            )
        })?;
        let family = u16::from_le_bytes([raw[0], raw[1]]);
        Ok((len as usize, socket_addr(family == 2, &raw[2..], port)))
    }

    fn send_to(&self, buf: &[u8], dst: &SocketAddr) -> io::Result<usize> {
        let mut b = AddrBytes::of(dst);
        let a = b.address();
        let iov = [IoSlice::new(buf)];
        let mut len = 0u32;
        cvt(unsafe {
            ext::sock_send_to(
                self.fd(),
                iov.as_ptr() as *const u8,
                1,
                &a,
                dst.port() as u32,
                0,
                &mut len,
            )
        })?;
        Ok(len as usize)
    }
}

impl AsInner<WasiFd> for Socket {
    fn as_inner(&self) -> &WasiFd {
        &self.0
    }
}

impl IntoInner<WasiFd> for Socket {
    fn into_inner(self) -> WasiFd {
        self.0
    }
}

impl FromInner<WasiFd> for Socket {
    fn from_inner(inner: WasiFd) -> Socket {
        Socket(inner)
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl IntoRawFd for Socket {
    fn into_raw_fd(self) -> RawFd {
        self.0.into_raw_fd()
    }
}

impl FromRawFd for Socket {
    unsafe fn from_raw_fd(raw_fd: RawFd) -> Self {
        unsafe { Self(FromRawFd::from_raw_fd(raw_fd)) }
    }
}

pub struct TcpStream {
    inner: Socket,
}

impl TcpStream {
    pub fn connect(addr: io::Result<&SocketAddr>) -> io::Result<TcpStream> {
        let addr = addr?;
        let sock = Socket::new(addr, SOCK_STREAM)?;
        sock.connect(addr)?;
        Ok(TcpStream { inner: sock })
    }

    /// A blocking connect bounded by SO_SNDTIMEO, which is how Linux bounds one too: on expiry the
    /// call fails with EINPROGRESS, reported as TimedOut as std's unix connect_timeout does.
    pub fn connect_timeout(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        if timeout.is_zero() {
            return Err(zero_timeout());
        }
        let sock = Socket::new(addr, SOCK_STREAM)?;
        sock.set_timeout(Some(timeout), SO_SNDTIMEO)?;
        match sock.connect(addr) {
            Err(e) if e.raw_os_error() == Some(wasi::ERRNO_INPROGRESS.raw() as i32) => {
                return Err(io::const_io_error!(io::ErrorKind::TimedOut, "connection timed out"));
            }
            r => r?,
        }
        sock.set_timeout(None, SO_SNDTIMEO)?;
        Ok(TcpStream { inner: sock })
    }

    pub fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(t, SO_RCVTIMEO)
    }

    pub fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(t, SO_SNDTIMEO)
    }

    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        self.inner.timeout(SO_RCVTIMEO)
    }

    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        self.inner.timeout(SO_SNDTIMEO)
    }

    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.recv_with_flags(buf, wasi::RIFLAGS_RECV_PEEK)
    }

    pub fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_vectored(&mut [IoSliceMut::new(buf)])
    }

    pub fn read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.socket().as_inner().read(bufs)
    }

    pub fn is_read_vectored(&self) -> bool {
        true
    }

    pub fn write(&self, buf: &[u8]) -> io::Result<usize> {
        self.write_vectored(&[IoSlice::new(buf)])
    }

    pub fn write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.socket().as_inner().write(bufs)
    }

    pub fn is_write_vectored(&self) -> bool {
        true
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.name(true)
    }

    pub fn socket_addr(&self) -> io::Result<SocketAddr> {
        self.inner.name(false)
    }

    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.0.sock_shutdown(how)
    }

    pub fn duplicate(&self) -> io::Result<TcpStream> {
        self.inner.duplicate().map(|inner| TcpStream { inner })
    }

    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(linger)
    }

    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_flag(IPPROTO_TCP, TCP_NODELAY, nodelay)
    }

    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.flag(IPPROTO_TCP, TCP_NODELAY)
    }

    pub fn set_ttl(&self, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn ttl(&self) -> io::Result<u32> {
        unsupported()
    }

    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    pub fn set_nonblocking(&self, state: bool) -> io::Result<()> {
        self.inner.set_nonblocking(state)
    }

    pub fn socket(&self) -> &Socket {
        &self.inner
    }

    pub fn into_socket(self) -> Socket {
        self.inner
    }
}

impl FromInner<Socket> for TcpStream {
    fn from_inner(socket: Socket) -> TcpStream {
        TcpStream { inner: socket }
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = f.debug_struct("TcpStream");
        if let Ok(addr) = self.socket_addr() {
            res.field("addr", &addr);
        }
        if let Ok(peer) = self.peer_addr() {
            res.field("peer", &peer);
        }
        res.field("fd", &self.inner.as_raw_fd()).finish()
    }
}

pub struct TcpListener {
    inner: Socket,
}

impl TcpListener {
    /// socket, SO_REUSEADDR, bind, listen(128): what std's unix TcpListener::bind does.
    pub fn bind(addr: io::Result<&SocketAddr>) -> io::Result<TcpListener> {
        let addr = addr?;
        let sock = Socket::new(addr, SOCK_STREAM)?;
        sock.set_flag(SOL_SOCKET, SO_REUSEADDR, true)?;
        sock.bind(addr)?;
        cvt(unsafe { ext::sock_listen(sock.fd(), BACKLOG) })?;
        Ok(TcpListener { inner: sock })
    }

    pub fn socket_addr(&self) -> io::Result<SocketAddr> {
        self.inner.name(false)
    }

    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let fd = self.inner.0.sock_accept(0)?;
        // SAFETY: sock_accept gave this descriptor to us alone.
        let stream = TcpStream::from_inner(unsafe { Socket::from_raw_fd(fd as RawFd) });
        // preview1's sock_accept returns no address; ask for it. A connection already reset can
        // have none: accept(2) still succeeds then, so the address is left unspecified.
        let peer = stream
            .peer_addr()
            .unwrap_or_else(|_| SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0));
        Ok((stream, peer))
    }

    pub fn duplicate(&self) -> io::Result<TcpListener> {
        self.inner.duplicate().map(|inner| TcpListener { inner })
    }

    pub fn set_ttl(&self, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn ttl(&self) -> io::Result<u32> {
        unsupported()
    }

    pub fn set_only_v6(&self, _: bool) -> io::Result<()> {
        unsupported()
    }

    pub fn only_v6(&self) -> io::Result<bool> {
        unsupported()
    }

    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    pub fn set_nonblocking(&self, state: bool) -> io::Result<()> {
        self.inner.set_nonblocking(state)
    }

    pub fn socket(&self) -> &Socket {
        &self.inner
    }

    pub fn into_socket(self) -> Socket {
        self.inner
    }
}

impl AsInner<Socket> for TcpListener {
    fn as_inner(&self) -> &Socket {
        &self.inner
    }
}

impl IntoInner<Socket> for TcpListener {
    fn into_inner(self) -> Socket {
        self.inner
    }
}

impl FromInner<Socket> for TcpListener {
    fn from_inner(inner: Socket) -> TcpListener {
        TcpListener { inner }
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = f.debug_struct("TcpListener");
        if let Ok(addr) = self.socket_addr() {
            res.field("addr", &addr);
        }
        res.field("fd", &self.inner.as_raw_fd()).finish()
    }
}

pub struct UdpSocket {
    inner: Socket,
}

impl UdpSocket {
    pub fn bind(addr: io::Result<&SocketAddr>) -> io::Result<UdpSocket> {
        let addr = addr?;
        let sock = Socket::new(addr, SOCK_DGRAM)?;
        sock.bind(addr)?;
        Ok(UdpSocket { inner: sock })
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.name(true)
    }

    pub fn socket_addr(&self) -> io::Result<SocketAddr> {
        self.inner.name(false)
    }

    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.recv_from(buf, 0)
    }

    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.recv_from(buf, wasi::RIFLAGS_RECV_PEEK as u32)
    }

    pub fn send_to(&self, buf: &[u8], dst: &SocketAddr) -> io::Result<usize> {
        self.inner.send_to(buf, dst)
    }

    pub fn duplicate(&self) -> io::Result<UdpSocket> {
        self.inner.duplicate().map(|inner| UdpSocket { inner })
    }

    pub fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(t, SO_RCVTIMEO)
    }

    pub fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.inner.set_timeout(t, SO_SNDTIMEO)
    }

    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        self.inner.timeout(SO_RCVTIMEO)
    }

    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        self.inner.timeout(SO_SNDTIMEO)
    }

    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.inner.set_flag(SOL_SOCKET, SO_BROADCAST, on)
    }

    pub fn broadcast(&self) -> io::Result<bool> {
        self.inner.flag(SOL_SOCKET, SO_BROADCAST)
    }

    pub fn set_multicast_loop_v4(&self, _: bool) -> io::Result<()> {
        unsupported()
    }

    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        unsupported()
    }

    pub fn set_multicast_ttl_v4(&self, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        unsupported()
    }

    pub fn set_multicast_loop_v6(&self, _: bool) -> io::Result<()> {
        unsupported()
    }

    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        unsupported()
    }

    pub fn join_multicast_v4(&self, _: &Ipv4Addr, _: &Ipv4Addr) -> io::Result<()> {
        unsupported()
    }

    pub fn join_multicast_v6(&self, _: &Ipv6Addr, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn leave_multicast_v4(&self, _: &Ipv4Addr, _: &Ipv4Addr) -> io::Result<()> {
        unsupported()
    }

    pub fn leave_multicast_v6(&self, _: &Ipv6Addr, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn set_ttl(&self, _: u32) -> io::Result<()> {
        unsupported()
    }

    pub fn ttl(&self) -> io::Result<u32> {
        unsupported()
    }

    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    pub fn set_nonblocking(&self, state: bool) -> io::Result<()> {
        self.inner.set_nonblocking(state)
    }

    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.recv_with_flags(buf, 0)
    }

    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.recv_with_flags(buf, wasi::RIFLAGS_RECV_PEEK)
    }

    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.0.sock_send(&[IoSlice::new(buf)], 0)
    }

    pub fn connect(&self, addr: io::Result<&SocketAddr>) -> io::Result<()> {
        self.inner.connect(addr?)
    }

    pub fn socket(&self) -> &Socket {
        &self.inner
    }

    pub fn into_socket(self) -> Socket {
        self.inner
    }
}

impl AsInner<Socket> for UdpSocket {
    fn as_inner(&self) -> &Socket {
        &self.inner
    }
}

impl IntoInner<Socket> for UdpSocket {
    fn into_inner(self) -> Socket {
        self.inner
    }
}

impl FromInner<Socket> for UdpSocket {
    fn from_inner(inner: Socket) -> UdpSocket {
        UdpSocket { inner }
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = f.debug_struct("UdpSocket");
        if let Ok(addr) = self.socket_addr() {
            res.field("addr", &addr);
        }
        res.field("fd", &self.inner.as_raw_fd()).finish()
    }
}

/// The addresses sock_getaddrinfo gave, each with the port asked for.
pub struct LookupHost {
    addrs: vec::IntoIter<SocketAddr>,
    port: u16,
}

impl LookupHost {
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Iterator for LookupHost {
    type Item = SocketAddr;
    fn next(&mut self) -> Option<SocketAddr> {
        self.addrs.next()
    }
}

impl<'a> TryFrom<&'a str> for LookupHost {
    type Error = io::Error;

    /// "host:port", split as std's unix lookup splits it.
    fn try_from(s: &'a str) -> io::Result<LookupHost> {
        let (host, port) = s.rsplit_once(':').ok_or(io::const_io_error!(
            io::ErrorKind::InvalidInput,
            "invalid socket address"
        ))?;
        let port: u16 = port
            .parse()
            .map_err(|_| io::const_io_error!(io::ErrorKind::InvalidInput, "invalid port value"))?;
        (host, port).try_into()
    }
}

/// How many addresses one lookup returns at most.
const LOOKUP_MAX: usize = 16;

impl<'a> TryFrom<(&'a str, u16)> for LookupHost {
    type Error = io::Error;

    fn try_from((host, port): (&'a str, u16)) -> io::Result<LookupHost> {
        // std's unix lookup passes the host as a C string: a NUL inside is the same error here.
        if host.as_bytes().contains(&0) {
            return Err(io::const_io_error!(
                io::ErrorKind::InvalidInput,
                "data provided contains a nul byte"
            ));
        }
        // The chain sock_getaddrinfo fills, linked in place; each entry's data is 2 bytes of port
        // then up to 16 of address.
        let mut data = [[0u8; 26]; LOOKUP_MAX];
        let mut sas: [ext::Sockaddr; LOOKUP_MAX] = unsafe { mem::zeroed() };
        let mut ais: [ext::AddrInfo; LOOKUP_MAX] = unsafe { mem::zeroed() };
        for i in 0..LOOKUP_MAX {
            sas[i].data = data[i].as_mut_ptr();
            sas[i].data_len = data[i].len() as u32;
            ais[i].addr = &mut sas[i];
        }
        for i in 0..LOOKUP_MAX - 1 {
            ais[i].next = &mut ais[i + 1];
        }
        // std's unix lookup asks for stream sockets only, so each address comes once.
        let hints = ext::AddrInfo {
            flags: 0,
            family: 0,
            socktype: SOCK_STREAM as u8,
            protocol: 0,
            addrlen: 0,
            addr: ptr::null_mut(),
            canonname: ptr::null_mut(),
            canonname_len: 0,
            next: ptr::null_mut(),
        };
        let mut first: *mut ext::AddrInfo = ais.as_mut_ptr();
        let mut n = 0u32;
        cvt(unsafe {
            ext::sock_getaddrinfo(
                host.as_ptr(),
                host.len() as u32,
                ptr::null(),
                0,
                &hints,
                &mut first,
                LOOKUP_MAX as u32,
                &mut n,
            )
        })?;
        let mut addrs = Vec::new();
        for i in 0..(n as usize).min(LOOKUP_MAX) {
            let v6 = sas[i].family == AF_INET6 as u8;
            addrs.push(socket_addr(v6, &data[i][2..], port as u32));
        }
        Ok(LookupHost { addrs: addrs.into_iter(), port })
    }
}

// Rust 1.63's wasi `netc`, unchanged: std::net's address types name these.
#[allow(nonstandard_style)]
pub mod netc {
    pub const AF_INET: u8 = 0;
    pub const AF_INET6: u8 = 1;
    pub type sa_family_t = u8;

    #[derive(Copy, Clone)]
    pub struct in_addr {
        pub s_addr: u32,
    }

    #[derive(Copy, Clone)]
    pub struct sockaddr_in {
        pub sin_family: sa_family_t,
        pub sin_port: u16,
        pub sin_addr: in_addr,
    }

    #[derive(Copy, Clone)]
    pub struct in6_addr {
        pub s6_addr: [u8; 16],
    }

    #[derive(Copy, Clone)]
    pub struct sockaddr_in6 {
        pub sin6_family: sa_family_t,
        pub sin6_port: u16,
        pub sin6_addr: in6_addr,
        pub sin6_flowinfo: u32,
        pub sin6_scope_id: u32,
    }

    #[derive(Copy, Clone)]
    pub struct sockaddr {}

    pub type socklen_t = usize;
}
