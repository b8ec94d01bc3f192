//! The sync worker: a tokio task with a ticker and force/stop commands
//! (atuin-style; `MissedTickBehavior::Skip`, so a failing endpoint never turns
//! into a hot loop). Each wake it delivers every due row, endpoint by
//! endpoint in parallel and in order within one, then reads chat back.
//! SQLite work runs on the blocking pool over the worker's own connections:
//! the screen never waits for it.

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::adapters;
use super::backoff::{Backoff, Outcome};
use super::chat::{ChatReader, RoomOwners};
use super::document::Publisher;
use super::health::SyncHealth;
use super::http::{Target, client};
use super::outbox::{Delivered, Outbox, OutboxError, claimant_name};
use super::plan::Router;
use super::supervise::{Command, supervise};
use crate::config::Endpoint;
use crate::domain::playbook::PlaybookSet;
use crate::domain::time::Clock;
use crate::export::live::LiveTemplates;
use crate::journal::Journal;

/// What the worker needs; `Default`-like values come from `SyncSettings::new`.
#[derive(Clone)]
pub struct SyncSettings {
    pub journal: PathBuf,
    pub playbooks: Arc<PlaybookSet>,
    pub endpoints: Vec<Endpoint>,
    pub clock: Arc<dyn Clock>,
    /// How often the worker wakes on its own.
    pub tick: Duration,
    /// How often chat rooms are read back.
    pub read_every: Duration,
    pub backoff: Backoff,
    /// Rows claimed at once per endpoint.
    pub batch: usize,
}

impl SyncSettings {
    pub fn new(
        journal: PathBuf,
        playbooks: Arc<PlaybookSet>,
        endpoints: Vec<Endpoint>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            journal,
            playbooks,
            endpoints,
            clock,
            tick: Duration::from_secs(1),
            read_every: Duration::from_secs(5),
            backoff: Backoff::default(),
            batch: 64,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub delivered: usize,
    pub retried: usize,
    pub parked: usize,
}

impl std::ops::AddAssign for PassReport {
    fn add_assign(&mut self, o: Self) {
        self.delivered += o.delivered;
        self.retried += o.retried;
        self.parked += o.parked;
    }
}

/// Delivers rows: one pass at a time, each endpoint in order.
pub struct Deliverer {
    outbox: Arc<Mutex<Outbox>>,
    targets: Vec<Arc<Target>>,
    problems: Vec<String>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    me: String,
    batch: usize,
    rng: Mutex<StdRng>,
    stop: Arc<AtomicBool>,
    /// Where ticket endpoints write remote ids back (issue 17); `None`
    /// when no endpoint creates tickets.
    links: Option<Arc<Mutex<Journal>>>,

    /// Slack: a second between messages to one channel (#19).
    pacer: adapters::slack_post::Pacer,
}

impl Deliverer {
    /// Resolve every endpoint's secrets; one that fails is left out and
    /// reported in `problems` (its rows wait), the others go on.
    pub fn new(journal: &Journal, settings: &SyncSettings) -> Result<Self, OutboxError> {
        let mut targets = Vec::new();
        let mut problems = Vec::new();
        for e in &settings.endpoints {
            match Target::resolve(e) {
                Ok(t) => targets.push(Arc::new(t)),
                Err(p) => problems.push(p),
            }
        }
        let links = if targets
            .iter()
            .any(|t| super::adapters::tickets::is_ticket_kind(t.kind()))
        {
            let mut j = Journal::open(journal.path(), journal.playbooks().clone())?;
            j.set_outbox(Router::new(&settings.endpoints).map(|r| Arc::new(r) as _));
            Some(Arc::new(Mutex::new(j)))
        } else {
            None
        };
        Ok(Self {
            links,
            outbox: Arc::new(Mutex::new(Outbox::open(journal)?)),
            targets,
            problems,
            client: client(),
            clock: settings.clock.clone(),
            backoff: settings.backoff,
            me: claimant_name(),
            batch: settings.batch.max(1),
            rng: Mutex::new(StdRng::from_os_rng()),
            stop: Arc::new(AtomicBool::new(false)),
            pacer: Default::default(),
        })
    }

    /// A fixed random sequence, for tests.
    pub fn seed(&self, seed: u64) {
        *self.rng.lock().expect("rng") = StdRng::seed_from_u64(seed);
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn targets(&self) -> &[Arc<Target>] {
        &self.targets
    }

    /// Makes a running pass stop after the row in flight (claims are released).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Outbox) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let ob = self.outbox.clone();
        tokio::task::spawn_blocking(move || f(&mut ob.lock().expect("outbox lock")))
            .await
            .expect("outbox task does not panic")
    }

    /// Deliver every row that is due, until none is.
    pub async fn pass(&self) -> Result<PassReport, OutboxError> {
        let drains = self
            .targets
            .iter()
            .filter(|t| t.kind().receives_events())
            .map(|t| self.drain(t.clone()));
        let mut total = PassReport::default();
        for r in futures::future::join_all(drains).await {
            total += r?;
        }
        Ok(total)
    }

    async fn drain(&self, t: Arc<Target>) -> Result<PassReport, OutboxError> {
        let mut report = PassReport::default();
        // A claim must outlive the batch, even if every row times out.
        let lease = t.endpoint.timeout * self.batch as u32 + Duration::from_secs(30);
        // Rows the endpoint accepted, recorded as done in the transaction
        // that claims the next batch: one commit per batch, not per row.
        let mut done: Vec<Delivered> = Vec::new();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                self.settle(done).await?;
                return Ok(report);
            }
            let (name, me, now, batch) = (
                t.name().to_string(),
                self.me.clone(),
                self.clock.now(),
                self.batch,
            );
            let settled = std::mem::take(&mut done);
            let rows = self
                .db(move |ob| ob.settle_and_claim(&settled, &name, &me, now, lease, batch))
                .await?;
            if rows.is_empty() {
                return Ok(report);
            }
            // Runs of rows that go out as one request (Slack coalesces posts);
            // one row each elsewhere.
            for g in adapters::groups(&t, &rows) {
                if self.stop.load(Ordering::Relaxed) {
                    self.settle(std::mem::take(&mut done)).await?;
                    self.release(&rows[g.start..]).await?;
                    return Ok(report);
                }
                let now = self.clock.now();
                let group = &rows[g.clone()];
                let ticket = adapters::tickets::is_ticket_kind(t.kind());
                let outcomes = if ticket {
                    let mut each = Vec::with_capacity(group.len());
                    for row in group {
                        each.push(
                            super::remote_refs::deliver(
                                &self.client,
                                &t,
                                &self.outbox,
                                self.links.as_ref(),
                                row,
                                now,
                            )
                            .await,
                        );
                    }
                    each
                } else {
                    adapters::deliver_group(&self.client, &t, group, now, &self.pacer).await
                };
                let mut retried = false;
                for (row, outcome) in group.iter().zip(outcomes) {
                    let id = row.id;
                    match outcome {
                        Outcome::Delivered { remote_id } => {
                            done.push(Delivered {
                                id,
                                at: self.clock.now(),
                                remote_id,
                            });
                            report.delivered += 1;
                            // A tracker's next row looks up the id this one was
                            // given (`remote_refs`): record it now, not with the
                            // batch, or the next row would create the item again.
                            if ticket {
                                self.settle(std::mem::take(&mut done)).await?;
                            }
                        }
                        Outcome::Park { error } => {
                            let settled = std::mem::take(&mut done);
                            self.db(move |ob| {
                                ob.delivered_all(&settled)?;
                                ob.park(id, &error)
                            })
                            .await?;
                            report.parked += 1;
                        }
                        Outcome::Retry { error, retry_after } => {
                            let next = self.next_attempt(row.attempts as u32 + 1, retry_after);
                            let settled = std::mem::take(&mut done);
                            self.db(move |ob| {
                                ob.delivered_all(&settled)?;
                                ob.failed(id, next, &error)
                            })
                            .await?;
                            report.retried += 1;
                            retried = true;
                        }
                    }
                }
                if retried {
                    // In order: the rest wait behind this one.
                    self.settle(std::mem::take(&mut done)).await?;
                    self.release(&rows[g.end..]).await?;
                    return Ok(report);
                }
            }
        }
    }

    fn next_attempt(&self, failures: u32, retry_after: Option<Duration>) -> DateTime<Utc> {
        let unit: f64 = self.rng.lock().expect("rng").random();
        let wait = self.backoff.delay(failures, unit, retry_after);
        self.clock.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
    }

    /// Record rows as delivered (one transaction).
    async fn settle(&self, done: Vec<Delivered>) -> Result<(), OutboxError> {
        if done.is_empty() {
            return Ok(());
        }
        self.db(move |ob| ob.delivered_all(&done)).await
    }

    async fn release(&self, rows: &[super::outbox::OutboxRow]) -> Result<(), OutboxError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let me = self.me.clone();
        if ids.is_empty() {
            return Ok(());
        }
        self.db(move |ob| ob.release(&ids, &me)).await
    }

    /// Health from the journal, plus this worker's own problems.
    pub async fn health(&self) -> Result<SyncHealth, OutboxError> {
        let mut h = self.db(|ob| ob.health()).await?;
        h.problems = self.problems.clone();
        Ok(h)
    }

    /// Pending rows this worker can deliver, and those it cannot (endpoints
    /// not configured here, or unusable).
    pub async fn pending(&self) -> Result<(usize, Vec<(String, usize)>), OutboxError> {
        let names: Vec<String> = self.targets.iter().map(|t| t.name().to_string()).collect();
        let all = self.db(|ob| ob.pending_by_endpoint()).await?;
        let (mine, others): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|(e, _)| names.contains(e));
        Ok((mine.iter().map(|(_, n)| n).sum(), others))
    }

    /// When the next row of ours may be attempted.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, OutboxError> {
        let names: Vec<String> = self.targets.iter().map(|t| t.name().to_string()).collect();
        self.db(move |ob| ob.next_due(&names)).await
    }

    pub async fn last_incident(
        &self,
        endpoint: &str,
    ) -> Result<Option<crate::domain::IncidentId>, OutboxError> {
        let e = endpoint.to_string();
        self.db(move |ob| ob.last_incident(&e)).await
    }
}

impl RoomOwners for Deliverer {
    fn room_owner(
        &self,
        endpoint: &str,
    ) -> impl Future<Output = Result<Option<crate::domain::IncidentId>, OutboxError>> + Send {
        self.last_incident(endpoint)
    }
}

/// What the screen holds: the running worker, its latest health, and the
/// means to wake it or stop it.
pub struct SyncHandle {
    commands: mpsc::UnboundedSender<Command>,
    wake: Arc<Notify>,
    stop: Arc<AtomicBool>,
    health: watch::Receiver<SyncHealth>,
    task: JoinHandle<()>,
}

impl SyncHandle {
    /// Start the worker on `runtime`. It opens its own connections to the
    /// journal; if that fails, the failure shows in `health().problems`.
    pub fn spawn(runtime: &tokio::runtime::Handle, settings: SyncSettings) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let (health_tx, health_rx) = watch::channel(SyncHealth::default());
        let stop = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(Notify::new());
        // Restarted if it panics (supervise.rs).
        let start = {
            let (wake, stop) = (wake.clone(), stop.clone());
            move |commands, health| {
                run(
                    settings.clone(),
                    commands,
                    wake.clone(),
                    health,
                    stop.clone(),
                )
            }
        };
        let task = runtime.spawn(supervise(start, rx, health_tx, stop.clone()));
        Self {
            commands: tx,
            wake,
            stop,
            health: health_rx,
            task,
        }
    }

    /// Deliver and read now, without waiting for the next tick.
    pub fn force(&self) {
        let _ = self.commands.send(Command::Force);
    }

    /// What the journal calls after a commit that wrote outbox rows
    /// (`Journal::set_outbox_wake`): the worker delivers them now instead of
    /// at its next tick. Wakes while a pass runs fold into one more pass.
    pub fn waker(&self) -> crate::journal::OutboxWake {
        let wake = self.wake.clone();
        Arc::new(move || wake.notify_one())
    }

    /// Stop after the request in flight; claimed rows are released.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.commands.send(Command::Stop);
    }

    /// Wait until the worker has stopped.
    pub async fn join(self) {
        let _ = self.task.await;
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// The latest health the worker published (never blocks).
    pub fn health(&self) -> SyncHealth {
        self.health.borrow().clone()
    }

    /// A receiver that wakes when health changes, for a `select!` loop.
    pub fn watch(&self) -> watch::Receiver<SyncHealth> {
        self.health.clone()
    }
}

pub(super) async fn run(
    settings: SyncSettings,
    mut commands: mpsc::UnboundedReceiver<Command>,
    wake: Arc<Notify>,
    health: watch::Sender<SyncHealth>,
    stop: Arc<AtomicBool>,
) {
    let problem = |p: String| SyncHealth {
        problems: vec![p],
        ..Default::default()
    };
    let opened = {
        let s = settings.clone();
        tokio::task::spawn_blocking(move || -> Result<_, OutboxError> {
            let mut journal = Journal::open(&s.journal, s.playbooks.clone())?;
            journal.set_outbox(Router::new(&s.endpoints).map(|r| Arc::new(r) as _));
            let d = Deliverer::new(&journal, &s)?;
            // The document publisher records its publishes through its own
            // connection, routed like any other append.
            let mut doc_journal = Journal::open(&s.journal, s.playbooks.clone())?;
            doc_journal.set_outbox(Router::new(&s.endpoints).map(|r| Arc::new(r) as _));
            Ok((journal, d, doc_journal))
        })
        .await
        .expect("open task does not panic")
    };
    let (journal, mut deliverer, doc_journal) = match opened {
        Ok(x) => x,
        Err(e) => {
            let _ = health.send(problem(format!("sync cannot start: {e}")));
            return;
        }
    };
    deliverer.stop = stop.clone();
    let mut reader = ChatReader::new(journal, &deliverer.targets, settings.clock.clone());
    let mut publisher = Publisher::new(
        doc_journal,
        &deliverer.targets,
        LiveTemplates::builtin(),
        settings.clock.clone(),
    );
    let mut doc_problems: Vec<String> = Vec::new();

    // Slack and Mattermost read-back: live sockets in tasks of their own (#19).
    let live = super::readback::LiveReaders::start(
        settings.journal.clone(),
        settings.playbooks.clone(),
        settings.clock.clone(),
        &deliverer.targets,
    );
    let mut ticker = tokio::time::interval(settings.tick);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut last_read: Option<tokio::time::Instant> = None;
    let mut read_problems: Vec<String> = Vec::new();
    loop {
        let forced = tokio::select! {
            _ = ticker.tick() => false,
            // New rows: deliver now (chat is still read on its own schedule).
            _ = wake.notified() => false,
            c = commands.recv() => match c {
                Some(Command::Force) => true,
                Some(Command::Stop) | None => break,
            },
        };
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if crate::fault::fires("sync-panic") {
            panic!("injected sync panic (COCKPIT_FAULT=sync-panic)");
        }
        let mut problems = Vec::new();
        // A long pass (thousands of rows) still shows progress each tick.
        let publish = |extra: &[String]| {
            let d = &deliverer;
            let extra = extra.to_vec();
            let health = &health;
            let live = &live;
            async move {
                if let Ok(mut h) = d.health().await {
                    h.problems.extend(extra);
                    h.reading = live.health();
                    health.send_if_modified(|old| {
                        let changed = *old != h;
                        *old = h;
                        changed
                    });
                }
            }
        };
        {
            let pass = deliverer.pass();
            tokio::pin!(pass);
            let mut progress = tokio::time::interval(settings.tick);
            progress.set_missed_tick_behavior(MissedTickBehavior::Skip);
            progress.tick().await;
            let result = loop {
                tokio::select! {
                    r = &mut pass => break r,
                    _ = progress.tick() => publish(&read_problems).await,
                }
            };
            if let Err(e) = result {
                problems.push(format!("sync: {e}"));
            }
        }
        let read_due = last_read.is_none_or(|t| t.elapsed() >= settings.read_every);
        if !reader.is_empty() && (forced || read_due) {
            last_read = Some(tokio::time::Instant::now());
            read_problems = reader.read(&deliverer).await.1;
        }
        problems.extend(read_problems.iter().cloned());
        if !publisher.is_empty() {
            doc_problems = publisher.publish().await.problems;
        }
        problems.extend(doc_problems.iter().cloned());
        if let Err(e) = deliverer.health().await {
            let _ = health.send(problem(format!("sync: {e}")));
        } else {
            publish(&problems).await;
        }
    }
}
