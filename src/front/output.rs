//! Where output goes: stdout, or a file written atomically, so an
//! interrupted run never leaves a half-written file behind.
//!
//! What `--out PATH` does, by what is at `PATH` ([`AtomicFile::create`]):
//!
//! | at `PATH`                                  | what happens                                         |
//! |--------------------------------------------|------------------------------------------------------|
//! | nothing                                    | temp file + rename; mode `0666` minus the umask      |
//! | a regular file                             | temp file + rename; the old file's mode (and owner, when allowed) kept |
//! | a regular file with other hard links       | temp file, then copied *into* the file (links stay)  |
//! | a read-only regular file                   | refused (exit 1), the file is left alone             |
//! | a device, FIFO, socket or terminal (`/dev/null`, `/dev/stdout` on a pipe) | written through, never replaced |
//! | `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` | written through, whatever they point to |
//! | any other symbolic link                    | refused: name the link's target instead              |
//! | a directory                                | refused                                              |
//!
//! The temporary file is created next to the target with a random name and
//! `O_EXCL` (`tempfile`), so a planted file or symlink at a guessable name
//! cannot redirect the write; it is removed when the write is abandoned
//! (error, signal).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use tempfile::NamedTempFile;

/// `--quiet`: no progress bars and no [`wrote`] messages. Set once by
/// `main` from the global flag before any command runs.
static QUIET: AtomicBool = AtomicBool::new(false);
/// Whether committed files are announced on stderr ([`wrote`]). Off by
/// default, so the library and the TUI (whose screen stderr would scribble
/// over) stay silent; `main` turns it on for the batch commands.
static ANNOUNCE: AtomicBool = AtomicBool::new(false);

/// Set `--quiet` for the whole process.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Announce every file written from now on with `wrote PATH` on stderr
/// (unless `--quiet`).
pub fn announce_writes(on: bool) {
    ANNOUNCE.store(on, Ordering::Relaxed);
}

/// The one place that says what was written: `wrote PATH` on stderr, for
/// every regular file a command writes (through [`AtomicFile::commit`],
/// hence [`write_atomic`], [`emit`] and [`Output`], or by a command that
/// creates its file itself, such as `new`). Silent under `--quiet`, in the
/// TUI and for streams and devices (`--out /dev/stdout`).
pub fn wrote(path: &Path) {
    announce("wrote", path);
}

/// `removed PATH` on stderr, as [`wrote`]: for a file a command deletes
/// (a report's stale charts).
pub fn removed(path: &Path) {
    announce("removed", path);
}

fn announce(what: &str, path: &Path) {
    if ANNOUNCE.load(Ordering::Relaxed) && !quiet() {
        let shown = crate::front::reproduce::shell_quote(&path.display().to_string());
        eprintln!("{what} {}", crate::report::escape::terminal(&shown));
    }
}

/// How the bytes reach the target.
enum Sink {
    /// Into a temporary sibling, renamed (or, for hard links, copied) into
    /// place by [`AtomicFile::commit`].
    Temp {
        file: BufWriter<NamedTempFile>,
        /// Copy into the existing inode instead of renaming over it.
        copy_into: bool,
        /// Removes the temporary file if a signal ends the process.
        guard: super::signals::TempGuard,
    },
    /// Straight into a device, FIFO or the process's own stream.
    Through(BufWriter<File>),
}

/// A file written through a temporary sibling and moved into place by
/// [`commit`](Self::commit); dropped uncommitted (error, signal), it leaves
/// nothing behind and the target untouched. Lets large outputs stream to disk
/// without ever exposing a half-written file. Targets that are not regular
/// files are written through (see the module table).
pub struct AtomicFile {
    path: PathBuf,
    sink: Option<Sink>,
}

/// The process's own streams, written through whatever they point to.
fn is_own_stream(path: &Path) -> bool {
    path == Path::new("/dev/stdout")
        || path == Path::new("/dev/stderr")
        || path.starts_with("/dev/fd/")
        || path.starts_with("/proc/self/fd/")
}

/// What [`AtomicFile::create`] will do with a path (decided from metadata
/// alone, nothing is opened): testable on `/dev/null` without writing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Open and write in place (devices, FIFOs, the process's own streams).
    Through,
    /// Temporary sibling, then rename (or copy into a hard-linked file).
    Replace,
}

/// How `path` would be written, or why it is refused.
pub fn plan(path: &Path) -> Result<Plan> {
    let shown = path.display();
    if is_own_stream(path) {
        return Ok(Plan::Through);
    }
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Plan::Replace),
        Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
    };
    let kind = m.file_type();
    if kind.is_symlink() {
        let target = std::fs::metadata(path).ok();
        if target.as_ref().is_some_and(|t| !t.is_file() && !t.is_dir()) {
            // A link to a device or FIFO: nothing to replace.
            return Ok(Plan::Through);
        }
        let to = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        bail!(
            "cannot write {shown}: it is a symbolic link (to {to}); chainmesh does not \
replace or follow links, give the target path instead"
        );
    }
    if kind.is_dir() {
        bail!("cannot write {shown}: it is a directory");
    }
    if !kind.is_file() {
        return Ok(Plan::Through);
    }
    if m.permissions().readonly() {
        bail!("cannot write {shown}: the file is read-only (chainmesh will not replace it)");
    }
    Ok(Plan::Replace)
}

impl AtomicFile {
    /// Start writing `path`. Fails now (before any work) when the path
    /// cannot be written: a missing folder, a read-only file, a symlink,
    /// a directory.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let shown = path.display();
        let through = |path: &Path| -> Result<AtomicFile> {
            let file = OpenOptions::new()
                .append(true)
                .open(path)
                .with_context(|| format!("cannot write {shown}"))?;
            Ok(AtomicFile {
                path: path.to_path_buf(),
                sink: Some(Sink::Through(BufWriter::new(file))),
            })
        };
        if plan(path)? == Plan::Through {
            return through(path);
        }
        let existing = std::fs::symlink_metadata(path).ok();
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().context("output path has no file name")?;
        let prefix = format!(".{}.", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        new_file_mode(&mut builder);
        let tmp = builder.tempfile_in(dir).map_err(|e| temp_error(&e, path))?;
        let guard = super::signals::TempGuard::new(tmp.path());
        let mut copy_into = false;
        if let Some(m) = &existing {
            keep_mode_and_owner(tmp.as_file(), m);
            copy_into = hard_links(m) > 1;
        }
        Ok(AtomicFile {
            path: path.to_path_buf(),
            sink: Some(Sink::Temp {
                file: BufWriter::new(tmp),
                copy_into,
                guard,
            }),
        })
    }

    /// Append `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let r = match self.sink.as_mut().context("file already committed")? {
            Sink::Temp { file, .. } => file.write_all(bytes),
            Sink::Through(file) => file.write_all(bytes),
        };
        r.with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Flush everything to disk (a full disk fails here, before anything is
    /// replaced). [`commit`](Self::commit) then only renames.
    pub fn flush(&mut self) -> Result<()> {
        let r = match self.sink.as_mut().context("file already committed")? {
            Sink::Temp { file, .. } => file
                .flush()
                .and_then(|()| file.get_ref().as_file().sync_all()),
            Sink::Through(file) => file.flush(),
        };
        r.with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Flush and move the file into place.
    pub fn commit(self) -> Result<()> {
        self.finish(false)
    }

    /// Like [`commit`](Self::commit), but never replaces a file: when
    /// something appeared at the path meanwhile, fails with an
    /// [`std::io::ErrorKind::AlreadyExists`] error (the temporary file is
    /// removed). Only for new regular files.
    pub fn commit_new(self) -> Result<()> {
        self.finish(true)
    }

    fn finish(mut self, no_clobber: bool) -> Result<()> {
        self.flush()?;
        let shown = self.path.display().to_string();
        match self.sink.take().context("file already committed")? {
            Sink::Through(_) if no_clobber => {
                Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
                    .with_context(|| format!("cannot write {shown}"))
            }
            Sink::Through(_) => Ok(()),
            Sink::Temp {
                file,
                copy_into,
                guard,
            } => {
                let tmp = file
                    .into_inner()
                    .map_err(std::io::IntoInnerError::into_error)
                    .with_context(|| format!("cannot write {shown}"))?;
                guard.commit(|| -> Result<()> {
                    if no_clobber {
                        tmp.persist_noclobber(&self.path)
                            .map(drop)
                            .map_err(|e| e.error)
                            .with_context(|| format!("cannot write {shown}"))
                    } else if copy_into {
                        // Keep every hard link: rewrite the shared inode.
                        let mut src = tmp
                            .reopen()
                            .with_context(|| format!("cannot write {shown}"))?;
                        let mut dst = OpenOptions::new()
                            .write(true)
                            .truncate(true)
                            .open(&self.path)
                            .with_context(|| format!("cannot write {shown}"))?;
                        std::io::copy(&mut src, &mut dst)
                            .and_then(|_| dst.sync_all())
                            .with_context(|| format!("cannot write {shown}"))
                    } else {
                        tmp.persist(&self.path)
                            .map(drop)
                            .map_err(|e| e.error)
                            .with_context(|| format!("cannot write {shown}"))
                    }
                })?;
                wrote(&self.path);
                Ok(())
            }
        }
    }
}

/// Like `File::create`: mode 0666 minus the umask (applied by open(2)),
/// not tempfile's private 0600.
#[cfg(unix)]
fn new_file_mode(b: &mut tempfile::Builder<'_, '_>) {
    use std::os::unix::fs::PermissionsExt;
    b.permissions(std::fs::Permissions::from_mode(0o666));
}

#[cfg(not(unix))]
fn new_file_mode(_: &mut tempfile::Builder<'_, '_>) {}

/// Give the new file the old one's mode and (as root) its owner; best effort.
#[cfg(unix)]
fn keep_mode_and_owner(file: &File, old: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = file.set_permissions(old.permissions());
    let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &File, old: &std::fs::Metadata) {
    let _ = file.set_permissions(old.permissions());
}

#[cfg(unix)]
fn hard_links(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.nlink()
}

#[cfg(not(unix))]
fn hard_links(_: &std::fs::Metadata) -> u64 {
    1
}

/// Check now that `path` can be written (what [`AtomicFile::create`] would
/// refuse, plus a probe file in its folder), without leaving anything
/// behind: for commands that compute for long without signal handling.
pub fn check_writable(path: &Path) -> Result<()> {
    if plan(path)? == Plan::Replace {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        tempfile::Builder::new()
            .prefix(".chainmesh-probe")
            .tempfile_in(dir)
            .map_err(|e| temp_error(&e, path))?;
    }
    Ok(())
}

/// An error creating the temporary sibling, naming the file asked for (not
/// the random temporary name tempfile appends as `at path "…"`).
fn temp_error(e: &std::io::Error, path: &Path) -> anyhow::Error {
    let text = e.to_string();
    let reason = text.split(" at path ").next().unwrap_or(&text);
    anyhow::anyhow!("cannot write {}: {reason}", path.display())
}

/// Write `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write(bytes)?;
    f.commit()
}

/// Write `bytes` to a new file `path` (same temporary file and move as
/// [`write_atomic`]), never replacing one: when `path` exists, fails with an
/// [`std::io::ErrorKind::AlreadyExists`] error and writes nothing.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
            .with_context(|| format!("cannot write {}", path.display()));
    }
    let mut f = AtomicFile::create(path)?;
    f.write(bytes)?;
    f.commit_new()
}

/// True when `e` says the file was there already ([`write_new`]).
pub fn already_exists(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::AlreadyExists)
    })
}

/// An output destination opened before any work: a file ([`AtomicFile`]) or
/// stdout. Opening early makes a bad `--out` fail before the first trial.
pub enum Output {
    /// `--out FILE`.
    File(AtomicFile),
    /// No `--out`.
    Stdout,
}

impl Output {
    /// Open `path` (checked now), or stdout when `None`.
    pub fn open(path: Option<&Path>) -> Result<Output> {
        Ok(match path {
            Some(p) => Output::File(AtomicFile::create(p)?),
            None => Output::Stdout,
        })
    }

    /// Write all of `bytes` and finish.
    pub fn emit(self, bytes: &[u8]) -> Result<()> {
        match self {
            Output::File(mut f) => {
                f.write(bytes)?;
                f.commit()
            }
            Output::Stdout => emit(None, bytes),
        }
    }
}

/// Refuse two outputs that name the same file (`--per-trial X --out X`):
/// one would silently overwrite the other.
pub fn distinct_outputs(paths: &[(&str, Option<&Path>)]) -> Result<()> {
    let key = |p: &Path| -> PathBuf {
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let full = dir.join(p.file_name().unwrap_or_default());
        std::fs::canonicalize(&full).unwrap_or(full)
    };
    let given: Vec<(&str, &Path, PathBuf)> = paths
        .iter()
        .filter_map(|(flag, p)| p.map(|p| (*flag, p, key(p))))
        .collect();
    for (i, (a, pa, ka)) in given.iter().enumerate() {
        for (b, _, kb) in &given[i + 1..] {
            if ka == kb && !is_own_stream(pa) {
                bail!(
                    "{a} and {b} both name {}; give each output its own file",
                    pa.display()
                );
            }
        }
    }
    Ok(())
}

/// Device and inode of the regular file at `path` (following links), or
/// `None` when there is none: what makes two names one file.
#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(path: &Path) -> Option<PathBuf> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file()
        .then(|| std::fs::canonicalize(path).ok())
        .flatten()
}

/// Where a command writes: a file, or a folder of files (`report --out DIR`)
/// of which only the names `writes` accepts matter.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// One file (`--out FILE`, `--per-trial FILE`).
    File(&'a Path),
    /// A folder and the names the command may write or remove in it.
    Folder(&'a Path, fn(&str) -> bool),
}

/// Refuse, before any work, an output that is one of the inputs: the same
/// file by device and inode, whatever the names (a hard link, `./x`, a
/// symlinked folder, `/dev/fd/N`), so `merge q0.json q1.json --out q0.json`
/// or `run my.toml --out my.toml` never replace the input. Inputs that are
/// not regular files (built-in names, `/dev/stdin`) are not compared.
pub fn refuse_inputs_as_outputs(inputs: &[&Path], outputs: &[(&str, Target<'_>)]) -> Result<()> {
    let inputs: Vec<(&Path, _)> = inputs
        .iter()
        .filter_map(|p| file_identity(p).map(|id| (*p, id)))
        .collect();
    if inputs.is_empty() {
        return Ok(());
    }
    let clash = |flag: &str, out: &Path| -> Result<()> {
        let Some(id) = file_identity(out) else {
            return Ok(());
        };
        if let Some((input, _)) = inputs.iter().find(|(_, i)| *i == id) {
            let same = if input == &out {
                String::new()
            } else {
                format!(" (the same file as {})", input.display())
            };
            bail!(
                "{flag} {} is an input file of this command{same}; chainmesh never replaces its \
input: choose another name",
                out.display()
            );
        }
        Ok(())
    };
    for (flag, target) in outputs {
        match target {
            Target::File(path) => clash(flag, path)?,
            Target::Folder(dir, writes) => {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    if writes(&name.to_string_lossy()) {
                        clash(flag, &entry.path())?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A folder an output command made for its files (with the missing folders
/// above it): removed again, if still empty, unless [`kept`](Self::keep),
/// so a command that fails (a full disk, an error, a signal) leaves no
/// empty folder behind.
#[derive(Debug)]
pub struct MadeDir {
    /// The folders this call created, innermost first.
    made: Vec<PathBuf>,
}

impl MadeDir {
    /// Create `dir` and its missing parents.
    pub fn create(dir: &Path) -> Result<MadeDir> {
        let mut made = Vec::new();
        let mut at = Some(dir);
        while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
            if std::fs::symlink_metadata(p).is_ok() {
                break;
            }
            made.push(p.to_path_buf());
            at = p.parent();
        }
        for p in &made {
            super::signals::created_dir(p);
        }
        let dir_made = MadeDir { made };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(dir_made)
    }

    /// The command succeeded: keep the folders.
    pub fn keep(mut self) {
        for p in self.made.drain(..) {
            super::signals::forget_dir(&p);
        }
    }
}

impl Drop for MadeDir {
    fn drop(&mut self) {
        for p in self.made.drain(..) {
            // Only empty folders: remove_dir refuses anything else.
            let _ = std::fs::remove_dir(&p);
            super::signals::forget_dir(&p);
        }
    }
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
