//! Where output goes: stdout, or a file written atomically (temp + rename),
//! so an interrupted run never leaves a half-written file behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file written through a temporary sibling and renamed into place by
/// [`commit`](Self::commit); dropped uncommitted (error, Ctrl-C), it leaves
/// nothing behind. Lets large outputs stream to disk without ever exposing a
/// half-written file.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Start writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().context("output path has no file name")?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file =
            File::create(&tmp).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file: Some(BufWriter::new(file)),
        })
    }

    /// Append `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let file = self.file.as_mut().context("file already committed")?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Flush and move the file into place.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().context("file already committed")?;
        let file = file
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        file.sync_all().ok();
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Committed files were renamed away; anything else is incomplete.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Write `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write(bytes)?;
    f.commit()
}

/// Send `bytes` to `path`, or to stdout when `path` is `None`.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => write_atomic(p, bytes),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                // A closed pipe (e.g. `| head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to stdout"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&path).expect("create");
        f.write(b"half").expect("write");
        assert!(!path.exists());
        drop(f);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);

        let mut f = AtomicFile::create(&path).expect("create");
        f.write(b"a,").expect("write");
        f.write(b"b\n").expect("write");
        f.commit().expect("commit");
        assert_eq!(std::fs::read(&path).expect("read"), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}
