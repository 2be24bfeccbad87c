//! External adapters: programs named `plumb-adapter-NAME` that read some live source for plumb
//! and speak JSON Lines over their standard input and output (`docs/plugin-protocol.md`).
//!
//! A plugin is a separate process so that it can be written in any language, crash without
//! taking plumb with it, and be stopped when it hangs. The host side ([`ExternalAdapter`]) trusts
//! nothing the plugin says: every line is checked, every wait has a deadline, and every way a
//! plugin can fail ends in one [`AdapterError`] line that names the plugin and what happened.
//! The plugin side ([`serve`]) lets a Rust program serve any [`Adapter`] over the protocol.
//!
//! The host talks to the child through three threads (one writes its stdin, one reads its
//! stdout, one keeps the tail of its stderr), so that the only blocking call left to the host is
//! a `recv_timeout` against the deadline: a plugin that stops reading, stops writing or never
//! exits cannot hang plumb.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use plumb_model::catalog::settle_region;
use plumb_model::{Observation, Scope, TypeScope, scope_of};
use serde::{Deserialize, Serialize};

use crate::snapshot::WireObservation;
use crate::{Adapter, AdapterError, FetchFailure, FetchRequest, FetchStats, Fetched};

/// The protocol this build speaks. A minor bump (`1.1`) only adds optional fields, which both
/// sides ignore when they do not know them; a major bump may change anything, so a peer with
/// another major version is refused.
pub const PROTOCOL_VERSION: &str = "1";
/// Executables named `PLUGIN_PREFIX` + NAME are plugins.
pub const PLUGIN_PREFIX: &str = "plumb-adapter-";
/// How long one fetch may take, from start to `done`, before the plugin is stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_mins(5);
/// The environment variable listing plugin directories, colon-separated like `PATH`.
pub const PLUGIN_DIR_ENV: &str = "PLUMB_PLUGIN_DIR";

/// The handshake alone should be quick; a plugin stuck before `hello` is not worth five minutes.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a plugin may take to exit once it has said `done` and its input is closed.
const EXIT_GRACE: Duration = Duration::from_secs(5);
/// A line longer than this is a broken plugin, not a big resource: refuse it before it fills
/// memory.
const MAX_LINE: usize = 64 << 20;
/// How much of a plugin's stderr is kept: enough for its last words.
const STDERR_TAIL: usize = 8 << 10;
/// How much of that tail goes into an error message.
const STDERR_IN_MESSAGE: usize = 300;
/// Lines read ahead of the host: a bound, so that a flood waits in the pipe, not in memory.
const READ_AHEAD: usize = 256;

// ---------------------------------------------------------------------------------------------
// Wire messages
// ---------------------------------------------------------------------------------------------

/// `hello` from the host: the first line a plugin reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostHello {
    pub protocol: String,
    pub plumb_version: String,
}

/// `fetch` from the host: what to read. `ids` maps region → type → ids; without it, everything
/// is wanted (which is how unmanaged resources are found).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchMessage {
    pub types: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub ids: Option<BTreeMap<String, BTreeMap<String, BTreeSet<String>>>>,
    #[serde(default)]
    pub thorough: bool,
}

impl From<&FetchRequest> for FetchMessage {
    fn from(request: &FetchRequest) -> Self {
        let ids = request.ids.as_ref().map(|ids| {
            let mut wire: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
            for (scope, set) in ids {
                wire.entry(scope.region.clone())
                    .or_default()
                    .insert(scope.r#type.clone(), set.clone());
            }
            wire
        });
        FetchMessage {
            types: request.types.clone(),
            regions: request.regions.clone(),
            ids,
            thorough: request.thorough,
        }
    }
}

impl From<FetchMessage> for FetchRequest {
    fn from(message: FetchMessage) -> Self {
        let ids = message.ids.map(|wire| {
            wire.into_iter()
                .flat_map(|(region, by_type)| {
                    by_type
                        .into_iter()
                        .map(move |(t, set)| (Scope::new(region.clone(), t), set))
                })
                .collect()
        });
        FetchRequest {
            regions: message.regions,
            types: message.types,
            ids,
            thorough: message.thorough,
            // Not part of protocol v1: a plugin reads what it reads.
            details: BTreeMap::new(),
        }
    }
}

/// `hello` from the plugin: who it is and which types it serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginHello {
    pub protocol: String,
    pub name: String,
    pub version: String,
    pub types: Vec<String>,
}

/// `scanned`: (region, type) pairs read completely, where absence means absent live.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannedMessage {
    pub scopes: Vec<Scope>,
}

/// `error`: the plugin cannot go on at all (a scope that failed is a `failure` instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMessage {
    pub message: String,
}

/// Messages the host sends, as a plugin reads them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum HostMessage {
    Hello(HostHello),
    Fetch(FetchMessage),
}

/// Messages a plugin sends, as the host reads them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum PluginMessage {
    Hello(PluginHello),
    Observation(Observation),
    Scanned(ScannedMessage),
    Failure(FetchFailure),
    Stats(FetchStats),
    /// `data` is not looked at: `null`, `{}` or absent all end the fetch.
    Done(Option<serde::de::IgnoredAny>),
    Error(ErrorMessage),
}

const PLUGIN_MESSAGE_TYPES: &[&str] = &[
    "hello",
    "observation",
    "scanned",
    "failure",
    "stats",
    "done",
    "error",
];

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    r#type: &'a str,
    data: &'a T,
}

/// Writes one message line. Lines are not flushed: the sender flushes at the end of its turn.
fn write_line<T: Serialize>(out: &mut dyn Write, kind: &str, data: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Envelope { r#type: kind, data }).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or_default()
}

fn speaks_our_protocol(version: &str) -> bool {
    major(version) == major(PROTOCOL_VERSION)
}

// ---------------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------------

/// An executable found by [`discover`]; not yet run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plugin {
    /// NAME in `plumb-adapter-NAME`.
    pub name: String,
    pub path: PathBuf,
}

/// A `--plugin-dir` that is not a directory: said, not skipped, since the user named it.
#[derive(Debug, thiserror::Error)]
#[error("plugin directory {}: {reason}", dir.display())]
pub struct PluginDirError {
    pub dir: PathBuf,
    pub reason: String,
}

/// Finds plugins in `plugin_dirs`, then in `PLUMB_PLUGIN_DIR`, then in `PATH`.
pub fn discover(plugin_dirs: &[PathBuf]) -> Result<Vec<Plugin>, PluginDirError> {
    discover_in(
        plugin_dirs,
        std::env::var_os(PLUGIN_DIR_ENV),
        std::env::var_os("PATH"),
    )
}

/// [`discover`] with the two environment variables given, so that tests need not touch the
/// process environment. The first plugin found wins per name; within a directory, names are
/// taken in byte order, so the result (and so which adapter reads a type) is stable.
pub fn discover_in(
    plugin_dirs: &[PathBuf],
    plugin_dir_env: Option<OsString>,
    path_env: Option<OsString>,
) -> Result<Vec<Plugin>, PluginDirError> {
    for dir in plugin_dirs {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(PluginDirError {
                    dir: dir.clone(),
                    reason: "not a directory".to_owned(),
                });
            }
            Err(err) => {
                return Err(PluginDirError {
                    dir: dir.clone(),
                    reason: match err.kind() {
                        io::ErrorKind::NotFound => "no such directory".to_owned(),
                        _ => err.to_string(),
                    },
                });
            }
        }
    }
    let implicit = [plugin_dir_env, path_env]
        .into_iter()
        .flatten()
        .flat_map(|list| std::env::split_paths(&list).collect::<Vec<_>>())
        .filter(|dir| !dir.as_os_str().is_empty());
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for dir in plugin_dirs.iter().cloned().chain(implicit) {
        // Unreadable directories on PATH are common and nobody's concern here.
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<(String, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let file_name = entry.file_name().into_string().ok()?;
                let name = plugin_name(&file_name)?;
                let path = entry.path();
                is_executable(&path).then(|| (name.to_owned(), path))
            })
            .collect();
        here.sort();
        for (name, path) in here {
            if seen.insert(name.clone()) {
                found.push(Plugin { name, path });
            }
        }
    }
    Ok(found)
}

/// NAME from `plumb-adapter-NAME` (`.exe` dropped on Windows).
fn plugin_name(file_name: &str) -> Option<&str> {
    let name = file_name.strip_prefix(PLUGIN_PREFIX)?;
    let name = if cfg!(windows) {
        name.strip_suffix(".exe")?
    } else {
        name
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

// ---------------------------------------------------------------------------------------------
// The host
// ---------------------------------------------------------------------------------------------

/// A plugin that has answered the handshake, served as an [`Adapter`]. Each fetch runs the
/// plugin afresh: no process outlives the call that needed it.
#[derive(Clone, Debug)]
pub struct ExternalAdapter {
    plugin: Plugin,
    hello: PluginHello,
    types: BTreeSet<String>,
    timeout: Duration,
}

impl ExternalAdapter {
    /// Runs the handshake (`hello` both ways, then the plugin's input is closed) to learn what
    /// the plugin serves. `timeout` bounds each later fetch; the handshake itself gets at most
    /// 30 seconds.
    pub fn start(plugin: Plugin, timeout: Duration) -> Result<Self, AdapterError> {
        let mut session = Session::open(&plugin, timeout.min(HANDSHAKE_TIMEOUT))?;
        let hello = session.handshake()?;
        session.close_input();
        session.finish()?;
        Ok(ExternalAdapter {
            types: hello.types.iter().cloned().collect(),
            plugin,
            hello,
            timeout,
        })
    }

    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    /// What the plugin said about itself.
    pub fn hello(&self) -> &PluginHello {
        &self.hello
    }

    /// The types the plugin serves, sorted.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(String::as_str)
    }
}

impl Adapter for ExternalAdapter {
    fn name(&self) -> &str {
        &self.plugin.name
    }

    fn supports(&self, resource_type: &str) -> bool {
        self.types.contains(resource_type)
    }

    fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        let mut session = Session::open(&self.plugin, self.timeout)?;
        session.handshake()?;
        session.send("fetch", &FetchMessage::from(request))?;
        session.close_input();
        let types: BTreeSet<&str> = request.types.iter().map(String::as_str).collect();
        let regions: BTreeSet<&str> = request.regions.iter().map(String::as_str).collect();
        // A global type's objects are asked for whatever the regions (it has none).
        let asked = |region: &str, t: &str| {
            types.contains(t)
                && (regions.is_empty()
                    || regions.contains(region)
                    || scope_of(t) == TypeScope::Global)
        };
        let mut fetched = Fetched::default();
        loop {
            match session.next()? {
                PluginMessage::Observation(mut o) => {
                    settle_region(&o.r#type, &mut o.region);
                    for (field, value) in
                        [("region", &o.region), ("type", &o.r#type), ("id", &o.id)]
                    {
                        if value.is_empty() {
                            return Err(session.fail(&format!(
                                "line {}: an observation with an empty `{field}`",
                                session.line
                            )));
                        }
                    }
                    // A type becomes code in generated files (`import { to = TYPE.NAME }`).
                    if let Err(e) =
                        plumb_model::address::check_identifier("resource type", &o.r#type)
                    {
                        return Err(session.fail(&format!("line {}: {e}", session.line)));
                    }
                    if !asked(&o.region, &o.r#type) {
                        return Err(session.fail(&format!(
                            "line {}: an observation of {} in {}, which was not asked for",
                            session.line, o.r#type, o.region
                        )));
                    }
                    fetched.observations.push(o);
                }
                PluginMessage::Scanned(s) => {
                    if let Some(scope) = s.scopes.iter().find(|s| !asked(&s.region, &s.r#type)) {
                        return Err(session.fail(&format!(
                            "line {}: says it scanned {scope}, which was not asked for",
                            session.line
                        )));
                    }
                    fetched
                        .scanned
                        .extend(s.scopes.iter().map(|s| Scope::new(&s.region, &s.r#type)));
                }
                PluginMessage::Failure(mut f) => {
                    settle_region(&f.r#type, &mut f.region);
                    if !asked(&f.region, &f.r#type) {
                        return Err(session.fail(&format!(
                            "line {}: a failure of {} in {}, which was not asked for",
                            session.line, f.r#type, f.region
                        )));
                    }
                    fetched.failures.push(f);
                }
                PluginMessage::Stats(stats) => {
                    for (op, n) in stats.calls {
                        *fetched.stats.calls.entry(op).or_default() += n;
                    }
                    fetched.stats.retries += stats.retries;
                }
                PluginMessage::Done(_) => break,
                PluginMessage::Error(e) => {
                    return Err(session.fail(&format!("failed: {}", one_line(&e.message))));
                }
                PluginMessage::Hello(_) => {
                    return Err(session.fail(&format!("line {}: a second `hello`", session.line)));
                }
            }
        }
        session.finish()?;
        Ok(fetched)
    }
}

/// What the stdout reader hands the host.
enum Incoming {
    Message(PluginMessage),
    /// A line that is not a message; the text says why.
    Bad(String),
    /// End of output (or a read error, which means the same: nothing more will come).
    End,
}

/// One run of a plugin process.
struct Session {
    /// The plugin's path, which names it in every error.
    label: String,
    timeout: Duration,
    deadline: Instant,
    child: Child,
    to_plugin: Option<Sender<Vec<u8>>>,
    from_plugin: Receiver<Incoming>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
    stderr_done: Receiver<()>,
    /// Lines read so far, for messages.
    line: usize,
    reaped: bool,
}

/// Starts the plugin with piped stdio. A program that was just written (an install, a test)
/// can be briefly "busy" (ETXTBSY) while another process started at the same moment still
/// holds the file open for writing; that passes within milliseconds, so it is retried a few
/// times before it is an error.
fn spawn(path: &std::path::Path) -> std::io::Result<std::process::Child> {
    let mut attempt = 0;
    loop {
        match Command::new(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Err(err) if err.kind() == std::io::ErrorKind::ExecutableFileBusy && attempt < 10 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl Session {
    fn open(plugin: &Plugin, timeout: Duration) -> Result<Self, AdapterError> {
        let label = plugin.path.display().to_string();
        let mut child = spawn(&plugin.path).map_err(|err| AdapterError::Failed {
            adapter: label.clone(),
            message: format!("cannot run: {}", io_reason(&err)),
        })?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(AdapterError::Failed {
                adapter: label,
                message: "cannot run: no pipes to the process".to_owned(),
            });
        };
        let (to_plugin, outbox) = mpsc::channel();
        let (inbox, from_plugin) = mpsc::sync_channel(READ_AHEAD);
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let (stderr_signal, stderr_done) = mpsc::channel();
        let tail = Arc::clone(&stderr_tail);
        let spawned = thread::Builder::new()
            .name("plugin-stdin".into())
            .spawn(move || write_input(stdin, &outbox))
            .and_then(|_| {
                thread::Builder::new()
                    .name("plugin-stdout".into())
                    .spawn(move || read_output(stdout, &inbox))
            })
            .and_then(|_| {
                thread::Builder::new()
                    .name("plugin-stderr".into())
                    .spawn(move || keep_tail(stderr, &tail, &stderr_signal))
            });
        if let Err(err) = spawned {
            let _ = child.kill();
            let _ = child.wait();
            return Err(AdapterError::Failed {
                adapter: label,
                message: format!("cannot start its I/O threads: {err}"),
            });
        }
        Ok(Session {
            label,
            timeout,
            deadline: Instant::now() + timeout,
            child,
            to_plugin: Some(to_plugin),
            from_plugin,
            stderr_tail,
            stderr_done,
            line: 0,
            reaped: false,
        })
    }

    fn send<T: Serialize>(&mut self, kind: &str, data: &T) -> Result<(), AdapterError> {
        let mut bytes = Vec::new();
        write_line(&mut bytes, kind, data).map_err(|err| self.fail(&err.to_string()))?;
        // A send fails only when the writer thread has stopped because the plugin closed its
        // input; what the plugin does next (usually exiting) says more, so it is read instead.
        if let Some(tx) = &self.to_plugin {
            let _ = tx.send(bytes);
        }
        Ok(())
    }

    /// Closing stdin tells the plugin that nothing more will be asked.
    fn close_input(&mut self) {
        self.to_plugin = None;
    }

    /// Sends the host's `hello` and reads the plugin's.
    fn handshake(&mut self) -> Result<PluginHello, AdapterError> {
        self.send(
            "hello",
            &HostHello {
                protocol: PROTOCOL_VERSION.to_owned(),
                plumb_version: env!("CARGO_PKG_VERSION").to_owned(),
            },
        )?;
        match self.next()? {
            PluginMessage::Hello(hello) if speaks_our_protocol(&hello.protocol) => Ok(hello),
            PluginMessage::Hello(hello) => Err(self.fail(&format!(
                "speaks plugin protocol {}, this plumb speaks {PROTOCOL_VERSION}",
                one_line(&hello.protocol)
            ))),
            PluginMessage::Error(e) => {
                Err(self.fail(&format!("refused to start: {}", one_line(&e.message))))
            }
            other => Err(self.fail(&format!(
                "line {}: expected `hello`, got `{}`",
                self.line,
                message_type(&other)
            ))),
        }
    }

    /// The next message, or the error that ends the session.
    fn next(&mut self) -> Result<PluginMessage, AdapterError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.from_plugin.recv_timeout(left) {
            Ok(Incoming::Message(message)) => {
                self.line += 1;
                Ok(message)
            }
            Ok(Incoming::Bad(why)) => {
                self.line += 1;
                Err(self.fail(&format!("line {}: {why}", self.line)))
            }
            Ok(Incoming::End) | Err(RecvTimeoutError::Disconnected) => {
                let status = self.wait_for_exit(EXIT_GRACE.min(left));
                let how = match status {
                    Some(status) if status.success() => "exited".to_owned(),
                    Some(status) => describe_exit(status),
                    None => "closed its output".to_owned(),
                };
                Err(self.fail(&format!("{how} before `done`")))
            }
            Err(RecvTimeoutError::Timeout) => Err(self.fail(&format!(
                "no answer within {}; stopped it",
                seconds(self.timeout)
            ))),
        }
    }

    /// Ends a session that went well: the plugin must exit, and exit 0.
    fn finish(mut self) -> Result<(), AdapterError> {
        self.close_input();
        let status = self.wait_for_exit(EXIT_GRACE);
        // A line refused while the host was no longer reading (after the handshake, after
        // `done`) is the cause; the signal the plugin then got for writing on (SIGPIPE) is not.
        if let Some(why) = self.refused_line() {
            return Err(self.fail(&why));
        }
        match status {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(self.fail(&describe_exit(status))),
            // The answer is complete; a plugin that lingers is stopped, not waited for.
            None => Ok(()),
        }
    }

    /// The first line the reader refused among those the host has not taken, if any.
    fn refused_line(&mut self) -> Option<String> {
        while let Ok(incoming) = self.from_plugin.try_recv() {
            self.line += 1;
            match incoming {
                Incoming::Message(_) => {}
                Incoming::Bad(why) => return Some(format!("line {}: {why}", self.line)),
                Incoming::End => return None,
            }
        }
        None
    }

    /// Waits up to `limit` for the child to exit on its own.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.reaped = true;
                    return Some(status);
                }
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(5)),
                _ => return None,
            }
        }
    }

    /// Stops the plugin and builds the one-line error, with the plugin's last stderr line.
    fn fail(&mut self, what: &str) -> AdapterError {
        self.stop();
        // The stderr reader ends when the process does; give it a moment to drain the pipe.
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(200));
        let last = self
            .stderr_tail
            .lock()
            .map(|tail| last_line(&tail))
            .unwrap_or_default();
        let message = if last.is_empty() {
            what.to_owned()
        } else {
            format!("{what} (stderr: {last})")
        };
        AdapterError::Failed {
            adapter: self.label.clone(),
            message,
        }
    }

    fn stop(&mut self) {
        self.to_plugin = None;
        if !self.reaped {
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.reaped = true;
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

fn write_input(mut stdin: ChildStdin, outbox: &Receiver<Vec<u8>>) {
    while let Ok(bytes) = outbox.recv() {
        if stdin
            .write_all(&bytes)
            .and_then(|()| stdin.flush())
            .is_err()
        {
            return;
        }
    }
}

fn read_output(stdout: impl Read, inbox: &SyncSender<Incoming>) {
    let mut reader = BufReader::new(stdout);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf);
        let incoming = match read {
            Ok(0) | Err(_) => Incoming::End,
            Ok(_) if buf.len() > MAX_LINE => Incoming::Bad(format!(
                "a line of over {MAX_LINE} bytes; the limit is {} MiB, so it was stopped",
                MAX_LINE >> 20
            )),
            Ok(_) if buf.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(_) => parse_message(&buf),
        };
        let last = !matches!(incoming, Incoming::Message(_));
        if inbox.send(incoming).is_err() || last {
            return;
        }
    }
}

fn parse_message(line: &[u8]) -> Incoming {
    let line = plumb_model::bom::strip(line);
    match serde_json::from_slice::<PluginMessage>(line) {
        Ok(message) => Incoming::Message(message),
        Err(err) => Incoming::Bad(explain_bad_line(line, &err)),
    }
}

/// Says why a line is not a message: not JSON, an unknown type, or a known type whose `data`
/// does not fit.
fn explain_bad_line(line: &[u8], err: &serde_json::Error) -> String {
    #[derive(Deserialize)]
    struct Head {
        r#type: Option<String>,
    }
    match serde_json::from_slice::<Head>(line) {
        Err(_) => format!("not a JSON message: {}", snippet(line)),
        Ok(Head { r#type: None }) => "a message without `type`".to_owned(),
        Ok(Head { r#type: Some(t) }) if !PLUGIN_MESSAGE_TYPES.contains(&t.as_str()) => {
            format!("unknown message type `{}`", one_line(&t))
        }
        Ok(Head { r#type: Some(t) }) => {
            let reason = err.to_string();
            let reason = reason.split(" at line ").next().unwrap_or_default();
            format!("a bad `{t}` message: {}", one_line(reason))
        }
    }
}

fn keep_tail(mut stderr: impl Read, tail: &Mutex<Vec<u8>>, done: &Sender<()>) {
    let mut chunk = [0u8; 4096];
    loop {
        match stderr.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let Ok(mut tail) = tail.lock() else { break };
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > STDERR_TAIL {
                    let excess = tail.len() - STDERR_TAIL;
                    tail.drain(..excess);
                }
            }
        }
    }
    let _ = done.send(());
}

/// The last non-blank line of a plugin's stderr, cleaned for a one-line message.
fn last_line(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(tail);
    let line = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or_default();
    truncate(one_line(line).trim(), STDERR_IN_MESSAGE)
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

fn snippet(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    format!("`{}`", truncate(&one_line(text.trim()), 60))
}

fn message_type(message: &PluginMessage) -> &'static str {
    match message {
        PluginMessage::Hello(_) => "hello",
        PluginMessage::Observation(_) => "observation",
        PluginMessage::Scanned(_) => "scanned",
        PluginMessage::Failure(_) => "failure",
        PluginMessage::Stats(_) => "stats",
        PluginMessage::Done(_) => "done",
        PluginMessage::Error(_) => "error",
    }
}

fn describe_exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    "exited abnormally".to_owned()
}

fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

// ---------------------------------------------------------------------------------------------
// The plugin side
// ---------------------------------------------------------------------------------------------

/// What a plugin built on this crate serves.
#[derive(Debug)]
pub struct Served<'a> {
    /// The plugin's own name for itself (normally NAME of `plumb-adapter-NAME`).
    pub name: &'a str,
    pub version: &'a str,
    pub types: Vec<String>,
    pub adapter: &'a dyn Adapter,
}

/// Why [`serve`] stopped early. The host has been told where it could be.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot talk to plumb: {0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Protocol(String),
}

/// Serves one session on `input`/`output` (a plugin's stdin and stdout): answers `hello`, then
/// a `fetch` if one comes, and returns when the host closes the input. `served` is `Err` with a
/// reason when the plugin cannot serve at all (no snapshot configured, say): the host is told
/// so in answer to its `hello`.
pub fn serve(
    mut input: impl BufRead,
    mut output: impl Write,
    served: Result<&Served<'_>, &str>,
) -> Result<(), ServeError> {
    let out: &mut dyn Write = &mut output;
    let refuse = |out: &mut dyn Write, message: String| -> Result<(), ServeError> {
        write_line(
            out,
            "error",
            &ErrorMessage {
                message: message.clone(),
            },
        )?;
        out.flush()?;
        Err(ServeError::Protocol(message))
    };
    let mut line = String::new();
    let mut said_hello = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let message = match serde_json::from_str::<HostMessage>(&line) {
            Ok(message) => message,
            Err(err) => return refuse(out, format!("a bad message from plumb: {err}")),
        };
        match message {
            HostMessage::Hello(hello) if !speaks_our_protocol(&hello.protocol) => {
                return refuse(
                    out,
                    format!(
                        "plumb speaks plugin protocol {}, this plugin speaks {PROTOCOL_VERSION}",
                        hello.protocol
                    ),
                );
            }
            HostMessage::Hello(_) => {
                let served = match served {
                    Ok(served) => served,
                    Err(reason) => return refuse(out, reason.to_owned()),
                };
                write_line(
                    out,
                    "hello",
                    &PluginHello {
                        protocol: PROTOCOL_VERSION.to_owned(),
                        name: served.name.to_owned(),
                        version: served.version.to_owned(),
                        types: served.types.clone(),
                    },
                )?;
                out.flush()?;
                said_hello = true;
            }
            HostMessage::Fetch(_) if !said_hello => {
                return refuse(out, "`fetch` before `hello`".to_owned());
            }
            HostMessage::Fetch(fetch) => {
                let Ok(served) = served else {
                    return refuse(out, "`fetch` after a refused `hello`".to_owned());
                };
                match served.adapter.fetch(&FetchRequest::from(fetch)) {
                    Ok(fetched) => write_fetched(out, &fetched)?,
                    Err(err) => return refuse(out, err.to_string()),
                }
                out.flush()?;
            }
        }
    }
}

fn write_fetched(out: &mut dyn Write, fetched: &Fetched) -> io::Result<()> {
    for o in &fetched.observations {
        // Values travel in clear, as in a snapshot: the host judges sensitivity from the
        // schema and the state, so nothing is lost in transit.
        write_line(out, "observation", &WireObservation::new(o))?;
    }
    write_line(
        out,
        "scanned",
        &ScannedMessage {
            scopes: fetched.scanned.iter().cloned().collect(),
        },
    )?;
    for failure in &fetched.failures {
        write_line(out, "failure", failure)?;
    }
    write_line(out, "stats", &fetched.stats)?;
    write_line(out, "done", &serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::SnapshotAdapter;

    /// Short enough that the slow cases (a hang) keep the suite fast, long enough for `sh` to
    /// start on a loaded machine.
    const SHORT: Duration = Duration::from_millis(1500);

    /// Writes `plumb-adapter-NAME` as a shell script into `dir`.
    fn script(dir: &Path, name: &str, body: &str) -> Plugin {
        let path = dir.join(format!("{PLUGIN_PREFIX}{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Plugin {
            name: name.to_owned(),
            path,
        }
    }

    const HELLO: &str = r#"{"type":"hello","data":{"protocol":"1","name":"fake","version":"0.3.0","types":["aws_vpc","aws_subnet"]}}"#;

    /// A plugin that reads the host's lines and answers with `lines` after the fetch.
    fn answering(dir: &Path, name: &str, lines: &[&str]) -> Plugin {
        let mut body = format!("read hello\necho '{HELLO}'\nread fetch || exit 0\n");
        for line in lines {
            writeln!(body, "echo '{line}'").unwrap();
        }
        script(dir, name, &body)
    }

    fn request() -> FetchRequest {
        FetchRequest {
            regions: vec!["eu-west-1".into()],
            types: vec!["aws_vpc".into(), "aws_subnet".into()],
            ..FetchRequest::default()
        }
    }

    fn fetch_error(plugin: Plugin) -> String {
        let adapter = ExternalAdapter::start(plugin, SHORT).unwrap();
        let started = Instant::now();
        let err = adapter.fetch(&request()).unwrap_err().to_string();
        assert!(started.elapsed() < Duration::from_secs(2), "took too long");
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    }

    #[test]
    fn a_well_behaved_plugin_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = answering(
            dir.path(),
            "fake",
            &[
                r#"{"type":"observation","data":{"provider":"p","region":"eu-west-1","type":"aws_vpc","id":"vpc-1","attributes":{"cidr_block":"10.0.0.0/16"}}}"#,
                r#"{"type":"scanned","data":{"scopes":[{"region":"eu-west-1","type":"aws_vpc"}]}}"#,
                r#"{"type":"failure","data":{"region":"eu-west-1","type":"aws_subnet","error":"AccessDenied"}}"#,
                r#"{"type":"stats","data":{"calls":{"DescribeVpcs":1},"retries":2}}"#,
                r#"{"type":"stats","data":{"calls":{"DescribeVpcs":1},"retries":0}}"#,
                r#"{"data":null,"type":"done"}"#,
            ],
        );
        let adapter = ExternalAdapter::start(plugin, SHORT).unwrap();
        assert_eq!(adapter.name(), "fake");
        assert_eq!(adapter.hello().version, "0.3.0");
        assert_eq!(
            adapter.types().collect::<Vec<_>>(),
            ["aws_subnet", "aws_vpc"]
        );
        assert!(adapter.supports("aws_vpc") && !adapter.supports("aws_instance"));
        let fetched = adapter.fetch(&request()).unwrap();
        assert_eq!(fetched.observations.len(), 1);
        assert_eq!(fetched.observations[0].id, "vpc-1");
        assert_eq!(
            fetched.observations[0].attributes.to_string(),
            r#"{"cidr_block":"10.0.0.0/16"}"#
        );
        assert_eq!(
            fetched.scanned,
            BTreeSet::from([Scope::new("eu-west-1", "aws_vpc")])
        );
        assert_eq!(fetched.failures[0].error, "AccessDenied");
        assert_eq!(fetched.stats.calls["DescribeVpcs"], 2);
        assert_eq!(fetched.stats.retries, 2);
    }

    #[test]
    fn the_host_sends_hello_then_fetch_then_closes_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("received");
        // `cat` returns only when the host closes the plugin's input after the fetch.
        let plugin = script(
            dir.path(),
            "echo",
            &format!(
                "read -r hello\necho '{HELLO}'\nread -r fetch || exit 0\nprintf '%s\\n%s\\n' \"$hello\" \"$fetch\" > '{log}'\ncat >> '{log}'\necho '{{\"type\":\"done\"}}'",
                log = log.display()
            ),
        );
        let adapter = ExternalAdapter::start(plugin, SHORT).unwrap();
        let mut req = request();
        req.ids = Some(
            [(
                Scope::new("eu-west-1", "aws_vpc"),
                BTreeSet::from(["vpc-1".to_owned()]),
            )]
            .into(),
        );
        adapter.fetch(&req).unwrap();
        let received = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<serde_json::Value> = received
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{received}");
        assert_eq!(lines[0]["type"], "hello");
        assert_eq!(lines[0]["data"]["protocol"], PROTOCOL_VERSION);
        assert_eq!(lines[1]["type"], "fetch");
        assert_eq!(lines[1]["data"]["regions"][0], "eu-west-1");
        assert_eq!(lines[1]["data"]["ids"]["eu-west-1"]["aws_vpc"][0], "vpc-1");
        assert_eq!(lines[1]["data"]["thorough"], false);
    }

    #[test]
    fn a_crash_names_the_plugin_its_status_and_last_words() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "crash",
            &format!(
                "read hello\necho '{HELLO}'\nread fetch || exit 0\necho 'reading vpcs' >&2\necho 'panic: out of cheese' >&2\nexit 3"
            ),
        );
        let path = plugin.path.display().to_string();
        let err = fetch_error(plugin);
        assert!(err.starts_with(&format!("adapter {path}: ")), "{err}");
        assert!(err.contains("exited with status 3 before `done`"), "{err}");
        assert!(err.ends_with("(stderr: panic: out of cheese)"), "{err}");
    }

    #[test]
    fn output_that_ends_before_done_is_an_error_even_with_status_0() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = answering(
            dir.path(),
            "short",
            &[r#"{"type":"scanned","data":{"scopes":[]}}"#],
        );
        let err = fetch_error(plugin);
        assert!(err.contains("exited before `done`"), "{err}");
    }

    /// A line over the limit names the limit, wherever it comes: right after the handshake
    /// (when the host reads no more and the plugin, writing on, dies of SIGPIPE) or in a fetch.
    #[test]
    fn a_line_over_the_limit_names_the_limit_not_a_signal() {
        let dir = tempfile::tempdir().unwrap();
        // The line is written from a file, at the pipe's speed: made on the fly (`head | tr`) it
        // could take longer than the grace a finished plugin gets on a loaded machine, and the
        // plugin would be stopped as lingering before its line was refused.
        let line = dir.path().join("line");
        let mut text = vec![b'x'; MAX_LINE + 1];
        text.push(b'\n');
        std::fs::write(&line, text).unwrap();
        let flood = format!("cat '{}'", line.display());
        let eager = script(dir.path(), "eager", &format!("echo '{HELLO}'\n{flood}"));
        let err = ExternalAdapter::start(eager, Duration::from_secs(30))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2: a line of over 67108864 bytes; the limit is 64 MiB"),
            "{err}"
        );
        assert!(!err.contains("signal"), "{err}");

        let late = script(
            dir.path(),
            "late",
            &format!("read hello\necho '{HELLO}'\nread fetch || exit 0\n{flood}"),
        );
        let adapter = ExternalAdapter::start(late, Duration::from_secs(30)).unwrap();
        let err = adapter.fetch(&request()).unwrap_err().to_string();
        assert!(
            err.contains("line 2: a line of over 67108864 bytes; the limit is 64 MiB"),
            "{err}"
        );
    }

    /// A plugin that keeps writing to stderr cannot block on a full pipe; its answer is read
    /// and its last words kept.
    #[test]
    fn a_plugin_that_floods_stderr_is_read_to_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "noisy",
            &format!(
                "read hello\necho '{HELLO}'\nread fetch || exit 0\nhead -c 2000000 /dev/zero | tr '\\0' e >&2\necho '{{\"type\":\"done\"}}'"
            ),
        );
        let adapter = ExternalAdapter::start(plugin, Duration::from_secs(30)).unwrap();
        let fetched = adapter.fetch(&request()).unwrap();
        assert!(fetched.observations.is_empty());
    }

    /// A UTF-8 byte-order mark in front of a plugin's output is not content.
    #[test]
    fn a_byte_order_mark_before_hello_is_read_past() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "bom",
            &format!("read hello\nprintf '\\357\\273\\277%s\\n' '{HELLO}'"),
        );
        let adapter = ExternalAdapter::start(plugin, SHORT).unwrap();
        assert_eq!(adapter.hello().version, "0.3.0");
    }

    #[test]
    fn a_hanging_plugin_is_stopped_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        // `exec` so that the process killed is the one that hangs.
        let plugin = script(
            dir.path(),
            "hang",
            &format!("read hello\necho '{HELLO}'\nread fetch || exit 0\nexec sleep 30"),
        );
        let adapter = ExternalAdapter::start(plugin, Duration::from_millis(400)).unwrap();
        let started = Instant::now();
        let err = adapter.fetch(&request()).unwrap_err().to_string();
        let took = started.elapsed();
        assert!(err.contains("no answer within 0.4 s; stopped it"), "{err}");
        assert!(
            took >= Duration::from_millis(400) && took < Duration::from_secs(2),
            "{took:?}"
        );
    }

    #[test]
    fn a_plugin_that_hangs_before_hello_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(dir.path(), "mute", "exec sleep 30");
        let started = Instant::now();
        let err = ExternalAdapter::start(plugin, Duration::from_millis(300))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no answer within 0.3 s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_plugin_that_never_reads_its_input_cannot_block_the_host() {
        let dir = tempfile::tempdir().unwrap();
        // Answers hello without reading anything, then sleeps: a large fetch fills the pipe.
        let plugin = script(
            dir.path(),
            "deaf",
            &format!("echo '{HELLO}'\nexec sleep 30"),
        );
        let adapter = ExternalAdapter {
            plugin,
            hello: PluginHello {
                protocol: "1".into(),
                name: "deaf".into(),
                version: "0".into(),
                types: vec!["aws_vpc".into()],
            },
            types: BTreeSet::from(["aws_vpc".to_owned()]),
            timeout: Duration::from_millis(400),
        };
        let mut req = request();
        let many: BTreeSet<String> = (0..50_000).map(|i| format!("vpc-{i:08}")).collect();
        req.ids = Some([(Scope::new("eu-west-1", "aws_vpc"), many)].into());
        let started = Instant::now();
        let err = adapter.fetch(&req).unwrap_err().to_string();
        assert!(err.contains("no answer within"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn garbage_is_refused_with_its_line_number() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = answering(
            dir.path(),
            "garbage",
            &["Traceback (most recent call last):"],
        );
        let err = fetch_error(plugin);
        assert!(
            err.contains("line 2: not a JSON message: `Traceback (most recent call last):`"),
            "{err}"
        );
    }

    #[test]
    fn garbage_before_hello_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(dir.path(), "noise", "echo 'Usage: foo [options]'");
        let err = ExternalAdapter::start(plugin, SHORT)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1: not a JSON message"), "{err}");
    }

    #[test]
    fn unknown_and_malformed_messages_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                r#"{"type":"progress","data":{"done":3}}"#,
                "line 2: unknown message type `progress`",
            ),
            (r#"{"data":{}}"#, "line 2: a message without `type`"),
            (
                r#"{"type":"observation","data":{"region":"eu-west-1"}}"#,
                "line 2: a bad `observation` message: missing field",
            ),
            (
                r#"{"type":"observation","data":{"provider":"p","region":"us-east-1","type":"aws_vpc","id":"v","attributes":{}}}"#,
                "line 2: an observation of aws_vpc in us-east-1, which was not asked for",
            ),
            (
                r#"{"type":"observation","data":{"provider":"p","region":"eu-west-1","type":"aws_vpc","id":"","attributes":{}}}"#,
                "line 2: an observation with an empty `id`",
            ),
            (
                r#"{"type":"scanned","data":{"scopes":[{"region":"eu-west-1","type":"aws_s3_bucket"}]}}"#,
                "line 2: says it scanned aws_s3_bucket in eu-west-1, which was not asked for",
            ),
            (
                r#"{"type":"failure","data":{"region":"eu-west-1","type":"aws_instance","error":"x"}}"#,
                "line 2: a failure of aws_instance in eu-west-1, which was not asked for",
            ),
            (HELLO, "line 2: a second `hello`"),
            (
                r#"{"type":"error","data":{"message":"token expired"}}"#,
                "failed: token expired",
            ),
        ];
        for (i, (line, expected)) in cases.into_iter().enumerate() {
            let plugin = answering(dir.path(), &format!("case{i}"), &[line]);
            let err = fetch_error(plugin);
            assert!(err.contains(expected), "{line}: {err}");
        }
    }

    #[test]
    fn an_unknown_protocol_version_is_refused_at_the_handshake() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "future",
            r#"read hello
echo '{"type":"hello","data":{"protocol":"9","name":"future","version":"9.0.0","types":["aws_vpc"]}}'
exec sleep 30"#,
        );
        let started = Instant::now();
        let err = ExternalAdapter::start(plugin, SHORT)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("speaks plugin protocol 9, this plumb speaks 1"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_minor_protocol_bump_with_new_fields_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "newer",
            r#"read hello
echo '{"type":"hello","data":{"protocol":"1.4","name":"newer","version":"1","types":["aws_vpc"],"homepage":"x"}}'"#,
        );
        let adapter = ExternalAdapter::start(plugin, SHORT).unwrap();
        assert!(adapter.supports("aws_vpc"));
    }

    #[test]
    fn a_plugin_that_refuses_to_start_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "unset",
            r#"read hello
echo '{"type":"error","data":{"message":"no snapshot: set PLUMB_SNAPSHOT"}}'
exit 1"#,
        );
        let err = ExternalAdapter::start(plugin, SHORT)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("refused to start: no snapshot: set PLUMB_SNAPSHOT"),
            "{err}"
        );
    }

    #[test]
    fn a_failing_exit_after_done_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = script(
            dir.path(),
            "late",
            &format!(
                "read hello\necho '{HELLO}'\nread fetch || exit 0\necho '{{\"type\":\"done\"}}'\necho 'cleanup failed' >&2\nexit 4"
            ),
        );
        let err = fetch_error(plugin);
        assert!(
            err.contains("exited with status 4 (stderr: cleanup failed)"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_unrunnable_plugin_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Plugin {
            name: "gone".into(),
            path: dir.path().join("plumb-adapter-gone"),
        };
        let err = ExternalAdapter::start(missing, SHORT)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("plumb-adapter-gone: cannot run: no such file"),
            "{err}"
        );
    }

    #[test]
    fn stderr_is_kept_bounded_and_on_one_line() {
        let tail: Vec<u8> = b"first\n\x1b[31mlast\tline\x1b[0m\n\n".to_vec();
        assert_eq!(last_line(&tail), "[31mlast line [0m");
        let long = "x".repeat(1000);
        assert_eq!(
            last_line(long.as_bytes()).chars().count(),
            STDERR_IN_MESSAGE + 1
        );
    }

    #[test]
    fn discovery_order_is_flags_then_env_then_path_and_first_wins() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        script(a.path(), "one", "exit 0");
        script(b.path(), "one", "exit 0");
        script(b.path(), "two", "exit 0");
        script(c.path(), "three", "exit 0");
        script(c.path(), "two", "exit 0");
        // Not executable, or not a plugin name: ignored.
        std::fs::write(c.path().join("plumb-adapter-notes"), "text").unwrap();
        std::fs::write(c.path().join("plumb-adapter-"), "").unwrap();
        std::fs::create_dir(c.path().join("plumb-adapter-dir")).unwrap();
        let env = std::env::join_paths([b.path(), Path::new("/nonexistent/plumb")]).unwrap();
        let path = std::env::join_paths([c.path()]).unwrap();
        let found = discover_in(&[a.path().to_owned()], Some(env), Some(path)).unwrap();
        let got: Vec<(&str, &Path)> = found
            .iter()
            .map(|p| (p.name.as_str(), p.path.parent().unwrap()))
            .collect();
        assert_eq!(
            got,
            [("one", a.path()), ("two", b.path()), ("three", c.path())]
        );
    }

    #[test]
    fn a_named_plugin_dir_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = discover_in(&[missing], None, None).unwrap_err().to_string();
        assert!(err.ends_with("nope: no such directory"), "{err}");
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = discover_in(&[file], None, None).unwrap_err().to_string();
        assert!(err.ends_with("file: not a directory"), "{err}");
    }

    fn serve_lines(
        input: &str,
        served: Result<&Served<'_>, &str>,
    ) -> (Vec<serde_json::Value>, bool) {
        let mut out = Vec::new();
        let ok = serve(input.as_bytes(), &mut out, served).is_ok();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, ok)
    }

    #[test]
    fn serve_answers_hello_and_fetch_with_live_values_in_clear() {
        let snapshot = SnapshotAdapter::from_slice(
            br#"{"format_version":"1","resources":[
                {"region":"eu-west-1","type":"aws_instance","id":"i-1",
                 "attributes":{"user_data":"boot-secret"},"unread":[["disable_api_stop"]]}]}"#,
            "live.json",
        )
        .unwrap();
        let ready = Served {
            name: "snapshot",
            version: "0.1.0",
            types: snapshot.types().map(str::to_owned).collect(),
            adapter: &snapshot,
        };
        let served = || Ok(&ready);
        let hello = r#"{"type":"hello","data":{"protocol":"1","plumb_version":"0.1.0"}}"#;
        let fetch = r#"{"type":"fetch","data":{"types":["aws_instance"],"regions":["eu-west-1"]}}"#;
        let (lines, ok) = serve_lines(&format!("{hello}\n{fetch}\n"), served());
        assert!(ok);
        let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["hello", "observation", "scanned", "stats", "done"]);
        assert_eq!(lines[0]["data"]["types"][0], "aws_instance");
        assert_eq!(lines[1]["data"]["attributes"]["user_data"], "boot-secret");
        assert_eq!(lines[1]["data"]["unread"][0][0], "disable_api_stop");
        assert_eq!(lines[2]["data"]["scopes"][0]["type"], "aws_instance");

        // What serve writes, the host reads back as the adapter's own answer.
        let back: Vec<PluginMessage> = lines[1..]
            .iter()
            .map(|l| serde_json::from_value(l.clone()).unwrap())
            .collect();
        let direct = snapshot
            .fetch(&FetchRequest {
                regions: vec!["eu-west-1".into()],
                types: vec!["aws_instance".into()],
                ..FetchRequest::default()
            })
            .unwrap();
        assert_eq!(
            back[0],
            PluginMessage::Observation(direct.observations[0].clone())
        );

        // A handshake alone: hello, then the input closes.
        let (lines, ok) = serve_lines(&format!("{hello}\n"), served());
        assert!(ok && lines.len() == 1);

        let (lines, ok) = serve_lines(
            r#"{"type":"hello","data":{"protocol":"2.0","plumb_version":"9"}}"#,
            served(),
        );
        assert!(!ok);
        assert_eq!(
            lines[0]["data"]["message"],
            "plumb speaks plugin protocol 2.0, this plugin speaks 1"
        );

        let (lines, ok) = serve_lines(&format!("{fetch}\n"), served());
        assert!(!ok);
        assert_eq!(lines[0]["data"]["message"], "`fetch` before `hello`");

        let (lines, ok) = serve_lines(&format!("{hello}\n"), Err("no snapshot"));
        assert!(!ok);
        assert_eq!(lines[0]["type"], "error");
        assert_eq!(lines[0]["data"]["message"], "no snapshot");
    }

    #[test]
    fn done_may_carry_null_an_empty_object_or_nothing() {
        for line in [
            r#"{"type":"done","data":null}"#,
            r#"{"type":"done","data":{}}"#,
            r#"{"type":"done"}"#,
            r#"{"data":null,"type":"done"}"#,
        ] {
            assert!(
                matches!(
                    parse_message(line.as_bytes()),
                    Incoming::Message(PluginMessage::Done(_))
                ),
                "{line}"
            );
        }
    }

    /// The messages in docs/plugin-protocol.md are messages this code reads, and the example
    /// session runs in the order the host expects.
    #[test]
    fn the_protocol_doc_examples_parse() {
        let doc = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/plugin-protocol.md"),
        )
        .expect("docs/plugin-protocol.md");
        let mut session = Vec::new();
        for line in doc.lines() {
            if let Some(json) = line.strip_prefix("> ") {
                let message: HostMessage = serde_json::from_str(json).expect(json);
                session.push(match message {
                    HostMessage::Hello(_) => "> hello",
                    HostMessage::Fetch(_) => "> fetch",
                });
            } else if let Some(json) = line.strip_prefix("< ") {
                match parse_message(json.as_bytes()) {
                    Incoming::Message(m) => session.push(match message_type(&m) {
                        "hello" => "< hello",
                        "done" => "< done",
                        _ => "< data",
                    }),
                    _ => panic!("not a plugin message: {json}"),
                }
            } else if line.starts_with(r#"{"type":""#) {
                let host = serde_json::from_str::<HostMessage>(line).is_ok();
                let plugin = matches!(parse_message(line.as_bytes()), Incoming::Message(_));
                assert!(host || plugin, "not a message: {line}");
            }
        }
        session.dedup();
        assert_eq!(
            session,
            ["> hello", "< hello", "> fetch", "< data", "< done"]
        );
    }

    #[test]
    fn fetch_requests_survive_the_wire() {
        let mut req = request();
        req.thorough = true;
        req.ids = Some(
            [
                (
                    Scope::new("eu-west-1", "aws_vpc"),
                    BTreeSet::from(["vpc-1".to_owned(), "vpc-2".to_owned()]),
                ),
                (Scope::new("us-east-1", "aws_subnet"), BTreeSet::new()),
            ]
            .into(),
        );
        let text = serde_json::to_string(&FetchMessage::from(&req)).unwrap();
        let back: FetchMessage = serde_json::from_str(&text).unwrap();
        assert_eq!(FetchRequest::from(back), req);
    }
}
