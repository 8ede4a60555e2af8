//! The files a command reads and writes: read whole, or written beside their final name and
//! renamed, each refused with the command's code and the file's name.

use std::path::Path;

use crate::{ErrorBody, Result};

/// The bytes of `path`, or `code`'s refusal naming it.
pub fn read(path: &Path, code: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| ErrorBody::new(code, format!("{} を読めません: {e}", path.display())))
}

/// Writes `bytes` to `path` with the extension `part` first, then renames it, so a crash never
/// leaves half a file under the final name.
pub fn write_whole(path: &Path, bytes: &[u8], part: &str, code: &str) -> Result {
    let tmp = path.with_extension(part);
    std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path)).map_err(|e| cannot_write(path, code, e))
}

/// Writes `bytes` to `path` directly.
pub fn write(path: &Path, bytes: &[u8], code: &str) -> Result {
    std::fs::write(path, bytes).map_err(|e| cannot_write(path, code, e))
}

fn cannot_write(path: &Path, code: &str, e: std::io::Error) -> ErrorBody {
    ErrorBody::new(code, format!("{} に書き込めません: {e}", path.display()))
}
