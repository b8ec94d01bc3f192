//! Is the filesystem holding the journal out of space? SQLite reports a
//! write that hit ENOSPC as `SQLITE_FULL` from the database and WAL files,
//! but as a generic I/O error from some paths (the `-shm` index, a sync); the
//! free space of the directory tells the two apart, so the message can say
//! "the disk is full" instead of "disk I/O error".

use std::path::Path;

/// True when the filesystem holding `journal` has no block left for us.
/// Unknown (no such directory, a failed `statvfs(3)`) counts as false.
pub fn no_space_left(journal: &Path) -> bool {
    let dir = journal
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(st) = rustix::fs::statvfs(dir) else {
        return false;
    };
    // Less than one SQLite page (4 KiB) free to an unprivileged writer.
    u128::from(st.f_bavail) * u128::from(st.f_frsize) < 4096
}
