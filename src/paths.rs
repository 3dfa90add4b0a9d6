//! Where posdoctor keeps the shop's profile, session logs and reports:
//! one folder when `POSDOCTOR_HOME` is set (tests point it at a temp dir),
//! else the platform's config and data folders.

use std::path::PathBuf;

use anyhow::{Context, Result};
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
}
