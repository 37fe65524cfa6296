//! What `apply` and `rollback` show while they run: a line per migration, a progress bar for
//! batched statements (on a terminal; a line per tenth elsewhere), or, with `--json`, every event
//! as one JSON line on stderr (stdout keeps the one final document).

use crate::output::{Out, say, say_raw};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use migra::exec::{Direction, Event};
use serde_json::json;
use std::io::IsTerminal;

/// Progress output for one run.
pub struct Progress {
    out: Out,
    tty: bool,
    bar: Option<ProgressBar>,
    /// Tenths of a batched statement already reported (without a terminal).
    reported: u64,
    /// A batched statement reported progress since the migration's start line.
    batched: bool,
}

impl Progress {
    /// Progress for `out`; bars only when stderr is a terminal.
    pub fn new(out: Out) -> Self {
        Self {
            out,
            tty: std::io::stderr().is_terminal(),
            bar: None,
            reported: 0,
            batched: false,
        }
    }

    /// Shows one event.
    pub fn on(&mut self, e: &Event<'_>) {
        if self.out.json {
            eprintln!("{}", event_json(e));
            return;
        }
        match e {
            Event::Started {
                version,
                name,
                direction,
                resumed_at,
            } => {
                let verb = if *direction == Direction::Up {
                    "Applying"
                } else {
                    "Rolling back"
                };
                self.batched = false;
                self.reported = 0;
                let resuming = resumed_at
                    .map(|k| format!(" (resuming at statement {k})"))
                    .unwrap_or_default();
                say_raw!("{verb} {version} {name}{resuming} ... ");
            }
            Event::Batch { .. } => self.batch(e),
            Event::Finished { duration_ms, .. } => {
                self.end_bar();
                let ok = self.out.paint("32", "ok");
                if self.batched {
                    say!("  {ok} ({duration_ms} ms)");
                } else {
                    say!("{ok} ({duration_ms} ms)");
                }
            }
            Event::Failed { .. } => {
                self.end_bar();
                say!("{}", self.out.paint("31", "FAILED"));
            }
            _ => {}
        }
    }

    fn batch(&mut self, e: &Event<'_>) {
        let Event::Batch {
            batch,
            batches,
            rows_done,
            elapsed_ms,
            statement,
            ..
        } = e
        else {
            return;
        };
        if !self.batched {
            self.batched = true;
            say!("");
        }
        let rate = rows_done * 1000 / (*elapsed_ms).max(1);
        if self.tty {
            let bar = self.bar.get_or_insert_with(|| new_bar(*batches));
            bar.set_length(*batches);
            bar.set_position(*batch);
            bar.set_message(format!(
                "statement {statement}: {rows_done} rows, {rate} rows/s"
            ));
            return;
        }
        let tenth = batch * 10 / (*batches).max(1);
        if tenth > self.reported || batch == batches {
            self.reported = tenth;
            let left = batches.saturating_sub(*batch);
            let eta_s = (*elapsed_ms as f64 / (*batch).max(1) as f64 * left as f64 / 1000.0).ceil();
            say!(
                "  statement {statement}: batch {batch}/{batches}, {rows_done} rows, {rate} rows/s, ETA {eta_s} s"
            );
        }
    }

    fn end_bar(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn new_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("  [{bar:30}] batch {pos}/{len} {msg}, ETA {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One event as the JSON line `--json` writes on stderr.
fn event_json(e: &Event<'_>) -> serde_json::Value {
    match e {
        Event::Started {
            version,
            name,
            direction,
            resumed_at,
        } => {
            let mut j = json!({"event": "started", "version": version, "name": name, "direction": direction});
            if let Some(k) = resumed_at {
                j["resumed_at_statement"] = json!(k);
            }
            j
        }
        Event::Finished {
            version,
            duration_ms,
        } => json!({"event": "finished", "version": version, "duration_ms": duration_ms}),
        Event::Failed { version } => json!({"event": "failed", "version": version}),
        Event::Batch {
            version,
            name,
            statement,
            batch,
            batches,
            rows_done,
            rows_total,
            elapsed_ms,
            batch_ms,
            retries,
        } => {
            let rate = rows_done * 1000 / (*elapsed_ms).max(1);
            let left = batches.saturating_sub(*batch);
            let eta_ms = *elapsed_ms as f64 / (*batch).max(1) as f64 * left as f64;
            json!({"event": "batch", "version": version, "name": name, "statement": statement,
                   "batch": batch, "batches": batches, "rows_done": rows_done,
                   "rows_total": rows_total, "rows_per_second": rate, "batch_ms": batch_ms,
                   "retries": retries,
                   "eta_seconds": (eta_ms / 1000.0).ceil()})
        }
        _ => json!({"event": "other"}),
    }
}
