//! Where posdoctor keeps the shop's profile, session logs and reports:
//! one folder when `POSDOCTOR_HOME` is set (tests point it at a temp dir),
//! else the platform's config and data folders.

use std::path::PathBuf;

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
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
}

/// Writes `data` to `path` through a temporary file in the same folder, so
/// a failure never leaves a half-written file behind. The file is private
/// to the user (0600 on Unix). With `overwrite` false, an existing file is
/// an error instead of being replaced.
pub fn write_atomic(path: &Path, data: &[u8], overwrite: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |e: std::io::Error| {
        anyhow!(
            "cannot write {}: {}",
            path.display(),
            crate::rules::load::io_reason(&e)
        )
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".posdoctor-")
        .tempfile_in(&dir)
        .map_err(fail)?;
    tmp.write_all(data).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if overwrite {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}
