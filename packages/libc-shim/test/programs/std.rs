use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
fn main() {
    let t0 = Instant::now();
    let mut m = HashMap::new();
    m.insert("x", 1);
    fs::create_dir_all("/tmp/rs").unwrap();
    let mut f = fs::File::create("/tmp/rs/a.txt").unwrap();
    writeln!(f, "from rust {}", m["x"]).unwrap();
    drop(f);
    let s = fs::read_to_string("/tmp/rs/a.txt").unwrap();
    let names: Vec<String> = fs::read_dir("/tmp/rs").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let args: Vec<String> = std::env::args().collect();
    println!("rust: args {:?}; file [{}]; dir {:?}; after 2023 {}; elapsed ok {}", &args[1..], s.trim(), names, now > 1_700_000_000, t0.elapsed().as_nanos() < u128::MAX);
    std::process::exit(5);
}
