//! The AWS reads' progress: a bar on a terminal (listings read, resources found, calls made,
//! retries), a line per listing with `--progress` where there is no terminal, and nothing on a
//! pipe or in CI unless asked.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plumb_model::Scope;

/// The progress display `plumb scan` and `plumb snapshot` hand the adapter, if any.
pub fn display(forced: bool) -> Option<Arc<dyn plumb_aws::Progress>> {
    let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if terminal {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("reading AWS {bar:30} {pos}/{len} listings, {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(Arc::new(Fetch::new(Some(bar))))
    } else if forced {
        Some(Arc::new(Fetch::new(None)))
    } else {
        None
    }
}

#[derive(Debug)]
struct Fetch {
    /// `None`: a line per listing instead of a bar.
    bar: Option<ProgressBar>,
    found: AtomicU64,
    calls: AtomicU64,
    retries: AtomicU64,
}

impl Fetch {
    fn new(bar: Option<ProgressBar>) -> Self {
        Fetch {
            bar,
            found: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        }
    }

    fn counts(&self) -> String {
        format!(
            "{} resources, {} calls, {} retries",
            self.found.load(Ordering::Relaxed),
            self.calls.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed)
        )
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(self.counts());
        }
    }
}

impl plumb_aws::Progress for Fetch {
    fn started(&self, scopes: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(u64::try_from(scopes).unwrap_or(u64::MAX));
        }
        self.redraw();
    }

    fn scope_done(&self, scope: &Scope, found: Option<usize>) {
        if let Some(n) = found {
            self.found
                .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                self.redraw();
            }
            None => match found {
                Some(n) => eprintln!("read {}: {n} resources ({})", shown(scope), self.counts()),
                None => eprintln!("read {}: failed ({})", shown(scope), self.counts()),
            },
        }
    }

    fn call(&self, _operation: &str) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    fn finished(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A scope as a progress line shows it: its region comes from input (a state's attributes).
fn shown(scope: &Scope) -> String {
    plumb_report::escape::visible(&scope.to_string()).into_owned()
}
