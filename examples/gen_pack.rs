//! Writes a generated rule pack (valid, bilingual, trees of 50 nodes) for
//! benchmarks: `cargo run --release --example gen_pack -- NODES DIR` writes a
//! pack folder (files of at most 5 000 nodes, under the 1 MiB file limit),
//! `-- --chain N FILE` one tree of N info steps in a row.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, n, file] if flag == "--chain" => write(file, &posdoctor::gen::info_chain(count(n))),
        [n, dir] => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("cannot create {dir}: {e}");
                std::process::exit(1);
            }
            for (i, yaml) in posdoctor::gen::pack_files(count(n), 5000)
                .iter()
                .enumerate()
            {
                write(&format!("{dir}/gen-{i}.yaml"), yaml);
            }
        }
        _ => {
            eprintln!("usage: gen_pack NODES DIR | gen_pack --chain N FILE");
            std::process::exit(2);
        }
    }
}

fn write(file: &str, yaml: &str) {
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
