//! Is the filesystem holding the journal out of space? SQLite reports a
//! write that hit ENOSPC as `SQLITE_FULL` from the database and WAL files,
//! but as a generic I/O error from some paths (the `-shm` index, a sync); the
//! free space of the directory tells the two apart, so the message can say
//! "the disk is full" instead of "disk I/O error".

use std::path::Path;

/// True when the filesystem holding `journal` has no block left for us.
/// Unknown (no such directory, a failed `statvfs`) counts as false.
pub fn no_space_left(journal: &Path) -> bool {
    let dir = journal
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` is written by
    // statvfs before it is read (only when it returns 0).
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return false;
    }
    let st = unsafe { st.assume_init() };
    // Less than one SQLite page (4 KiB) free to an unprivileged writer.
    (st.f_bavail as u128) * (st.f_frsize as u128) < 4096
}
