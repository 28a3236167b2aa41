//! The betweenness ranking, computed in the background (issue 14 item 13).
//!
//! A betweenness shock (the scenario's or the `a` key's) needs every
//! topology ranked by Brandes, O(nodes × links): 46 s on 20,000 nodes. The
//! UI thread must never pay for it, or `q` stops working. So when a
//! compiled scenario needs a ranking it has not got, a thread ranks the
//! topologies one by one (the ranking lives in the shared `Prepared`, so
//! the live trial and the Monte Carlo worker see it as soon as it is done)
//! while the live trial waits and the footer shows the progress. Rankings
//! already computed carry over to a recompiled scenario of the same
//! topologies ([`crate::sim::PreparedTopology::adopt_betweenness`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use crate::sim::Prepared;

/// The background ranking of one compiled scenario.
#[derive(Debug, Default)]
pub struct Ranking {
    /// The scenario being ranked, while some of its topologies are not.
    prep: Option<Arc<Prepared>>,
    /// Raised to stop the thread between topologies (a newer scenario).
    cancel: Option<Arc<AtomicBool>>,
    /// The message line shows the progress (cleared when done).
    shown: bool,
}

/// What [`Ranking::poll`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Still ranking (the live trial waits): show this in the message line.
    Busy(String),
    /// Nothing pending; `clear`: the message line showed the progress.
    Idle {
        /// Clear the message line.
        clear: bool,
    },
}

impl Ranking {
    /// Rank `prep` in the background if a shock of it needs the betweenness
    /// ranking and some topology has none; rankings of `previous` (the
    /// scenario it replaces) are taken over first. `inline` ranks at once
    /// (tests and snapshots).
    pub fn start(&mut self, prep: &Arc<Prepared>, previous: Option<&Prepared>, inline: bool) {
        self.stop();
        if let Some(old) = previous {
            for (p, o) in prep.topologies.iter().zip(&old.topologies) {
                p.adopt_betweenness(o);
            }
        }
        if !needs(prep) {
            return;
        }
        if inline {
            for p in &prep.topologies {
                p.by_betweenness();
            }
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let job = Arc::clone(prep);
        let spawned = thread::Builder::new()
            .name("chainmesh-betweenness".into())
            .spawn(move || {
                for p in &job.topologies {
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                    if p.needs_betweenness() {
                        p.by_betweenness();
                    }
                }
            });
        if spawned.is_ok() {
            self.prep = Some(Arc::clone(prep));
            self.cancel = Some(cancel);
        } else {
            // No thread: rank here rather than never.
            for p in &prep.topologies {
                p.by_betweenness();
            }
        }
    }

    /// Stop ranking (the thread finishes the topology it is on, unseen).
    pub fn stop(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        self.prep = None;
    }

    /// The progress for the message line, in Traditional Chinese when `zh`.
    pub fn poll(&mut self, zh: bool) -> Poll {
        match self.progress() {
            Some((done, total)) => {
                self.shown = true;
                Poll::Busy(if zh {
                    format!(
                        "背景計算中介中心性排名：{done}/{total} 個拓樸（試驗暫停等待；q 可離開）"
                    )
                } else {
                    format!(
                        "ranking nodes by betweenness in the background: {done}/{total} topologies \
(the trial waits; q quits)"
                    )
                })
            }
            None => Poll::Idle {
                clear: std::mem::take(&mut self.shown),
            },
        }
    }

    /// `Some((ranked, total))` topologies while ranking, `None` when
    /// nothing is pending (the live trial may step).
    pub fn progress(&mut self) -> Option<(usize, usize)> {
        let prep = self.prep.as_ref()?;
        let wanted: Vec<_> = prep
            .topologies
            .iter()
            .filter(|p| p.needs_betweenness())
            .collect();
        let done = wanted.iter().filter(|p| p.betweenness_ranked()).count();
        if done == wanted.len() {
            self.prep = None;
            self.cancel = None;
            return None;
        }
        Some((done, wanted.len()))
    }
}

/// Whether a topology of `prep` has a betweenness shock but no ranking yet.
pub fn needs(prep: &Prepared) -> bool {
    prep.topologies
        .iter()
        .any(|p| p.needs_betweenness() && !p.betweenness_ranked())
}

impl Drop for Ranking {
    fn drop(&mut self) {
        self.stop();
    }
}
