use directories::ProjectDirs;
use std::path::PathBuf;

/// Where the cockpit keeps things (XDG on Linux: ~/.local/share/cockpit, ~/.config/cockpit).
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
}

impl Paths {
    pub fn discover() -> Option<Self> {
        let dirs = ProjectDirs::from("", "", "cockpit")?;
        Some(Self {
            data_dir: dirs.data_dir().to_path_buf(),
            config_dir: dirs.config_dir().to_path_buf(),
        })
    }

    pub fn default_journal(&self) -> PathBuf {
        self.data_dir.join("journal.sqlite")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn user_playbooks(&self) -> PathBuf {
        self.config_dir.join("playbooks")
    }

    /// The user's postmortem templates, replacing the built-in ones by file name.
    pub fn user_templates(&self) -> PathBuf {
        self.config_dir.join("templates")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("cockpit.log")
    }
}
