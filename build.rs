// The built-in rules are embedded with include_dir!, which cargo does not
// track: rebuild whenever anything under rules/ changes.
fn main() {
    println!("cargo:rerun-if-changed=rules");
}
