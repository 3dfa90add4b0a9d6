//! Reading the files posdoctor is given (rules, answers, profile, logs):
//! regular files only, within a size limit, checked on the opened file so
//! that a FIFO, a device or a folder is an error at once, never a wait.
//! Shared with build.rs, which loads the built-in rules with the same code.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// What a non-regular file is, in words.
pub(crate) fn kind_of(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

pub(crate) fn not_regular(meta: &Metadata) -> io::Error {
    if meta.is_dir() {
        return io::Error::new(io::ErrorKind::IsADirectory, "it is a folder, not a file");
    }
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", kind_of(meta)),
    )
}

/// Opens `path` for reading without waiting: on Unix with O_NONBLOCK, so
/// opening a FIFO that nobody writes to returns at once instead of hanging.
fn open_read_nonblocking(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Reads a regular file, at most `limit` bytes and one more (so a file
/// over the limit is recognised without being read whole). The type is
/// checked on the opened file itself, so nothing can be swapped in
/// between the check and the read; a FIFO, a device, a socket or a folder
/// is an error at once.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_read_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// An I/O error as a short sentence, without Rust's debug form.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a folder, not a file".into(),
        // posdoctor's own reasons (a FIFO given as a file) are sentences already.
        _ if e.raw_os_error().is_none() => e.to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}
