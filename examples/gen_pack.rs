//! Writes a generated rule pack (valid, bilingual, trees of 50 nodes) for
//! benchmarks: `cargo run --release --example gen_pack -- NODES FILE`, or
//! `-- --chain N FILE` for one tree of N info steps in a row.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (yaml, file) = match args.as_slice() {
        [flag, n, file] if flag == "--chain" => (posdoctor::gen::info_chain(count(n)), file),
        [n, file] => (posdoctor::gen::pack_of(count(n)), file),
        _ => {
            eprintln!("usage: gen_pack NODES FILE | gen_pack --chain N FILE");
            std::process::exit(2);
        }
    };
    if let Err(e) = std::fs::write(file, yaml) {
        eprintln!("cannot write {file}: {e}");
        std::process::exit(1);
    }
}

fn count(s: &str) -> usize {
    s.parse().unwrap_or_else(|_| {
        eprintln!("{s} is not a number of nodes");
        std::process::exit(2);
    })
}
