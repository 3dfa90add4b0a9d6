//! Where posdoctor keeps the shop's profile, session logs and reports:
//! one folder when `POSDOCTOR_HOME` is set (tests point it at a temp dir),
//! else the platform's config and data folders. And how it touches files:
//! every read checks for a regular file first (a FIFO, a device or a
//! folder is an error at once, never a wait), and every write keeps what
//! is at the path what it was (a symlink stays a link, a device or a pipe
//! is written to and never replaced, a read-only file is refused).

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

pub use crate::input::read_regular;
use crate::input::{kind_of, not_regular};
use etcetera::BaseStrategy;

#[derive(Clone, Debug)]
pub struct Dirs {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl Dirs {
    pub fn from_env() -> Result<Dirs> {
        if let Some(home) = std::env::var_os("POSDOCTOR_HOME").filter(|h| !h.is_empty()) {
            let home = PathBuf::from(home);
            return Ok(Dirs {
                config: home.clone(),
                data: home,
            });
        }
        let base = etcetera::choose_base_strategy().context(
            "cannot find your home folder; set POSDOCTOR_HOME to a folder posdoctor may use",
        )?;
        Ok(Dirs {
            config: base.config_dir().join("posdoctor"),
            data: base.data_dir().join("posdoctor"),
        })
    }

    pub fn sessions(&self) -> PathBuf {
        self.data.join("sessions")
    }

    pub fn reports(&self) -> PathBuf {
        self.data.join("reports")
    }

    pub fn profile(&self) -> PathBuf {
        self.config.join("profile.yaml")
    }

    /// The lock `profile set` and `unset` hold around read-modify-write.
    pub fn profile_lock(&self) -> PathBuf {
        self.config.join(".profile.lock")
    }
}

/// A path as shown in a message: control characters made visible, a card
/// number in it masked.
pub fn shown(path: &Path) -> String {
    crate::privacy::mask_id(&path.display().to_string()).0
}

fn readonly_error(path: &Path) -> anyhow::Error {
    anyhow!(
        "{} is read-only: posdoctor does not replace it; make it writable (chmod u+w) or choose another file",
        shown(path)
    )
}

/// The descriptor a path names when it means one of posdoctor's own open
/// descriptors: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
/// `/proc/self/fd/N`. Such a path is written to as the open stream, never
/// resolved to what is behind it (a pipe, a terminal, a file someone
/// redirected into) and replaced.
fn own_descriptor(path: &Path) -> Option<i32> {
    let s = path.to_str()?;
    match s {
        "/dev/stdin" => return Some(0),
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let n = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"))?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Writes `data` to open descriptor `fd` as a stream; a closed pipe is
/// not an error.
fn write_descriptor(path: &Path, fd: i32, data: &[u8]) -> Result<()> {
    let result = match fd {
        1 => {
            let mut out = io::stdout().lock();
            out.write_all(data).and_then(|_| out.flush())
        }
        2 => {
            let mut err = io::stderr().lock();
            err.write_all(data).and_then(|_| err.flush())
        }
        #[cfg(unix)]
        n => {
            use std::os::fd::FromRawFd;
            // SAFETY: dup returns a new descriptor this function then owns
            // (and closes when the File drops); -1 is checked first.
            let dup = unsafe { libc::dup(n) };
            if dup < 0 {
                bail!("cannot write {}: descriptor {n} is not open", shown(path));
            }
            let mut f = unsafe { File::from_raw_fd(dup) };
            f.write_all(data).and_then(|_| f.flush())
        }
        #[cfg(not(unix))]
        n => bail!("cannot write {}: descriptor {n} is not open", shown(path)),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| write_error(path, &e)),
    }
}

/// Opens a FIFO, a device or a socket for writing as a stream: never
/// created, truncated or replaced. A FIFO nobody reads from is an error at
/// once instead of a wait.
fn open_stream(path: &Path, meta: &Metadata) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ENXIO) if kind_of(meta).contains("FIFO") => io::Error::new(
            io::ErrorKind::BrokenPipe,
            "it is a named pipe (FIFO) that nobody reads from",
        ),
        #[cfg(unix)]
        Some(libc::ENXIO) => {
            io::Error::other(format!("it is {} that cannot be opened", kind_of(meta)))
        }
        _ => e,
    })?;
    #[cfg(unix)]
    {
        // Writes block as usual once the stream is open.
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns, with flags it
        // read from the same descriptor.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok(file)
}

/// The file a symlink finally points to (the link itself is left alone);
/// `path` itself when it is not a link.
fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        if own_descriptor(&p).is_some() {
            break;
        }
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Err(_) => break,
        }
    }
    p
}

/// Writes `data` to `path` the safe way for whatever is there:
/// - nothing, or a regular file: a temporary file in the same folder, then
///   renamed over it (atomic; an existing file keeps its permissions);
/// - a symlink: the same, on the file it points to, so the link stays;
/// - a FIFO, a device or a socket (`/dev/null`), and posdoctor's own open
///   descriptors (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
///   `/proc/self/fd/N`), whatever is behind them: written to as a stream,
///   never replaced;
/// - a read-only file or a folder: refused with an error.
pub fn write_output(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(fd) = own_descriptor(path) {
        return write_descriptor(path, fd, data);
    }
    let target = resolve_links(path);
    if let Some(fd) = own_descriptor(&target) {
        // A link to /dev/stderr: the open stream too.
        return write_descriptor(path, fd, data);
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => {
            if meta.permissions().readonly() {
                return Err(readonly_error(path));
            }
            replace_atomically(&target, data, Some(meta.permissions()))
        }
        Ok(meta) if meta.is_dir() => bail!("cannot write {}: it is a folder", shown(path)),
        Ok(meta) => {
            let mut f = open_stream(&target, &meta).map_err(|e| write_error(path, &e))?;
            match f.write_all(data).and_then(|_| f.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| write_error(path, &e)),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace_atomically(&target, data, None),
        // A symlink loop, a folder that cannot be searched: nothing there
        // is replaced.
        Err(e) => Err(write_error(path, &e)),
    }
}

/// A temporary file in `path`'s folder, synced, then renamed over `path`.
fn replace_atomically(
    path: &Path,
    data: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    let tmp = temp_with(path, data).map_err(|e| write_error(path, &e))?;
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(|e| write_error(path, &e))?;
    }
    tmp.persist(path).map_err(|e| write_error(path, &e.error))?;
    Ok(())
}

fn write_error(path: &Path, e: &io::Error) -> anyhow::Error {
    anyhow!(
        "cannot write {}: {}",
        shown(path),
        crate::input::io_reason(e)
    )
}

/// A private (0600) temporary file beside `path` holding `data`, synced.
fn temp_with(path: &Path, data: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".posdoctor-")
        .tempfile_in(&dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Creates `path` with `data` atomically; anything already at the path (a
/// file, a link, a dangling link) is left alone and is an
/// `AlreadyExists` error.
pub fn create_new(path: &Path, data: &[u8]) -> Result<(), io::Error> {
    let tmp = temp_with(path, data)?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `data` to `path` through a temporary file in the same folder, so
/// a failure never leaves a half-written file behind (0600 for a new
/// file). With `overwrite`, what is at the path is treated as
/// [`write_output`] says (a symlink stays a link, a device is written to,
/// a read-only file is refused); without it, an existing file is an error
/// instead of being replaced.
pub fn write_atomic(path: &Path, data: &[u8], overwrite: bool) -> Result<()> {
    if overwrite {
        write_output(path, data)
    } else {
        create_new(path, data).map_err(|e| write_error(path, &e))
    }
}

/// A session log opened for appending.
#[derive(Debug)]
pub struct Appender {
    pub file: File,
    /// A FIFO or a device: nothing to sync, no last line to look at.
    pub stream: bool,
}

/// Opens `path` to append to: a regular file (created if missing, through
/// a symlink if it is one), or a FIFO or device as a stream. A read-only
/// file or a folder is refused.
pub fn open_append(path: &Path) -> io::Result<Appender> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(not_regular(&meta)),
        Ok(meta) if meta.is_file() => {
            if meta.permissions().readonly() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only (make it writable with chmod u+w, or choose another file)",
                ));
            }
            let file = OpenOptions::new().append(true).read(true).open(path)?;
            Ok(Appender {
                file,
                stream: false,
            })
        }
        Ok(meta) => Ok(Appender {
            file: open_stream(path, &meta)?,
            stream: true,
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .read(true)
                .open(path)?;
            Ok(Appender {
                file,
                stream: false,
            })
        }
        Err(e) => Err(e),
    }
}

/// How long [`lock_exclusive`] waits for another process's lock.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why [`lock_exclusive`] gave up: another process held the lock for all
/// of [`LOCK_WAIT`].
#[derive(Debug, thiserror::Error)]
#[error("{} is held by another program", shown(.0))]
pub struct LockBusy(pub PathBuf);

/// An exclusive lock on `path` (created if missing), held until the
/// returned file is dropped. Several `profile set` at once wait in turn:
/// `waiting` is called once when another holds the lock, and after
/// [`LOCK_WAIT`] the lock is given up with [`LockBusy`]. Only a regular
/// file is a lock: a FIFO, a device or a folder at the path is an error at
/// once, never a wait (opened without blocking, not through a symlink).
pub fn lock_exclusive(path: &Path, waiting: &mut dyn FnMut()) -> Result<File> {
    use fs4::fs_std::FileExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow!(
                "cannot create {}: {}",
                shown(dir),
                crate::input::io_reason(&e)
            )
        })?;
    }
    let cannot = |e: &io::Error| {
        anyhow!(
            "cannot lock {}: {}",
            shown(path),
            crate::input::io_reason(e)
        )
    };
    let mut opts = OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let not_a_lock = |meta: &Metadata| {
        anyhow!(
            "cannot lock {}: {}; remove it and try again",
            shown(path),
            crate::input::io_reason(&not_regular(meta))
        )
    };
    let file = opts.open(path).map_err(|e| {
        // A FIFO nobody reads from (ENXIO), a folder, a link: say what is there.
        match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_file() => not_a_lock(&meta),
            _ => cannot(&e),
        }
    })?;
    let meta = file.metadata().map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(not_a_lock(&meta));
    }
    let started = std::time::Instant::now();
    let mut told = false;
    loop {
        match file.try_lock_exclusive() {
            Ok(true) => return Ok(file),
            Ok(false) => {}
            Err(e) => return Err(cannot(&e)),
        }
        if started.elapsed() >= LOCK_WAIT {
            return Err(LockBusy(path.to_path_buf()).into());
        }
        if !told {
            waiting();
            told = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn symlinks_stay_links() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn a_symlink_loop_is_an_error_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("loop");
        std::os::unix::fs::symlink("loop", &link).unwrap();
        assert!(write_output(&link, b"x").is_err());
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn read_only_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ro.txt");
        std::fs::write(&p, "keep").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = write_output(&p, b"new").unwrap_err().to_string();
        assert!(e.contains("read-only"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "keep");
    }

    #[test]
    fn devices_are_streams() {
        use std::os::unix::fs::FileTypeExt;
        write_output(Path::new("/dev/null"), b"x").unwrap();
        let ft = std::fs::metadata("/dev/null").unwrap().file_type();
        assert!(ft.is_char_device());
    }

    #[test]
    fn reads_refuse_fifos_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_regular(&p, 10).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = read_regular(dir.path(), 10).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
        let e = write_output(&p, b"x").unwrap_err().to_string();
        assert!(e.contains("nobody reads"), "{e}");
    }
}
