use std::process::ExitCode;

fn main() -> ExitCode {
    posdoctor::cli::main()
}
