//! The playbook's rules, as the fold enforces them. Each is one line a user can act on.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the incident has not been declared")]
    NotDeclared,
    #[error("the incident is already declared")]
    AlreadyDeclared,
    #[error("the incident is closed; reopen it first")]
    IncidentClosed,
    #[error("unknown severity `{given}`; valid: {valid}")]
    UnknownSeverity { given: String, valid: String },
    #[error("unknown state `{given}`; valid: {valid}")]
    UnknownState { given: String, valid: String },
    #[error("unknown service status `{given}`; valid: {valid}")]
    UnknownServiceStatus { given: String, valid: String },
    #[error("unknown role `{given}`; valid: {valid}")]
    UnknownRole { given: String, valid: String },
    #[error("unknown tag `{given}`; valid: {valid}")]
    UnknownTag { given: String, valid: String },
    #[error("unknown link kind `{given}`; valid: {valid}")]
    UnknownLinkKind { given: String, valid: String },
    #[error("cannot go from {from} to {to}; from {from} the playbook allows: {allowed}")]
    StateTransition {
        from: String,
        to: String,
        allowed: String,
    },
    #[error("the incident is already {0}")]
    SameState(String),
    #[error("{0} is reached by closing: use `cockpit close request`, then `cockpit close confirm`")]
    CloseByState(String),
    #[error("{person} does not hold {role}")]
    NotHolding { role: String, person: String },
    #[error("{person} already holds {role}")]
    AlreadyHolding { role: String, person: String },
    #[error("{role} is held by {holder}; hand it off instead")]
    RoleTaken { role: String, holder: String },
    #[error("{person} already holds {held}, which does not combine with {role}")]
    RolesDoNotCombine {
        person: String,
        held: String,
        role: String,
    },
    #[error("no action `{0}`")]
    UnknownAction(String),
    #[error("action #{number} is {from}; it cannot become {to}")]
    ActionTransition {
        number: usize,
        from: String,
        to: String,
    },
    #[error("no event `{0}` in this incident")]
    UnknownEvent(String),
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("nobody has asked to close; use `cockpit close request` first")]
    CloseNotRequested,
    #[error("a close request is already open")]
    CloseAlreadyRequested,
    #[error("{0} objection(s) to closing still stand")]
    ObjectionsStand(usize),
    #[error("no standing objection `{0}`")]
    UnknownObjection(String),
    #[error("the incident must be {resolved} before it is closed (it is {state})")]
    NotResolved { resolved: String, state: String },
    #[error(
        "watch the service {remaining} more before closing (001: wait {watch} after resolution)"
    )]
    WatchNotOver { remaining: String, watch: String },
    #[error("only a {0} or closed incident can be reopened")]
    NotReopenable(String),
    #[error("unknown clock `{given}`; valid: {valid}")]
    UnknownClock { given: String, valid: String },
    #[error("a snooze must end after it starts")]
    SnoozeInThePast,
    #[error(
        "the time rule: {at} is later than now ({now}) plus the {skew} allowed for clock skew; the record holds only what has happened"
    )]
    InTheFuture {
        at: String,
        now: String,
        skew: String,
    },
    #[error(
        "the time rule: {kind} at {at} would come before the {before} at {then}; a lifecycle event is never backdated before the declaration or the lifecycle event it follows (notes may be)"
    )]
    Backdated {
        kind: String,
        at: String,
        before: String,
        then: String,
    },
    #[error(
        "only {who} may close the incident (000: the IC asks and decides); {person} may object instead"
    )]
    NotCloser { who: String, person: String },
    #[error("this build does not know events of kind `{0}`")]
    Unrecognized(String),
    #[error(
        "{role} is already being handed to {to}; wait for their \"I have command\" or decline it first"
    )]
    HandoffPending { role: String, to: String },
    #[error("nobody is handing off {0}")]
    NoPendingHandoff(String),
    #[error("{role} is being handed to {to}, not to {person}")]
    NotHandoffTarget {
        role: String,
        to: String,
        person: String,
    },
    #[error(
        "{0} stays for the whole incident (004); a handover must be documented: give the briefing's status"
    )]
    HandoverUndocumented(String),
    #[error(
        "{0} stays for the whole incident (004); hand it over with a briefing instead of releasing it"
    )]
    StaysForLifecycle(String),
    #[error("{role} changes only by an explicit decision of the {commander} (004){holder}")]
    CommanderDecides {
        role: String,
        commander: String,
        holder: String,
    },
    #[error("only the incident owner ({owner}) may resolve the incident (003)")]
    OnlyOwnerResolves { owner: String },
    #[error("only {roles} may decide on active measures (001); {person} does not hold one")]
    NotDecider { roles: String, person: String },
    #[error("unknown checklist `{given}`; valid: {valid}")]
    UnknownChecklist { given: String, valid: String },
    #[error("checklist {checklist} has no step `{given}`; valid: a number or {valid}")]
    UnknownStep {
        checklist: String,
        given: String,
        valid: String,
    },
    #[error("{step} is done by doing it: `{how}` (or tick it with --note saying why not)")]
    StepIsRecorded { step: String, how: String },
    #[error("{step} does not apply: {why}")]
    StepNotApplicable { step: String, why: String },
    #[error("{0} is already done")]
    StepAlreadyDone(String),
    #[error("{0} is not done")]
    StepNotDone(String),
    #[error("checklist {checklist} must be done before closing; open: {steps}")]
    ChecklistOpen { checklist: String, steps: String },
    #[error(
        "{person} was involved ({how}); pick someone who was not (001, 002), or give the reason with --exception"
    )]
    FacilitatorInvolved { person: String, how: String },
    #[error(
        "the {role} runs the {review}, and {person} never held it; pick {holders}, or give the reason with --exception"
    )]
    FacilitatorNotInRole {
        role: String,
        review: String,
        person: String,
        holders: String,
    },
    #[error("schedule the {0} once the incident is resolved")]
    ReviewTooEarly(String),
}
