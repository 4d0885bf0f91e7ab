//! Workshop mode on a map: sticky notes in the perspective bands, drafted privately until the
//! facilitator reveals them, clustered into groups, dot-voted with hidden counts, promoted to
//! objectives, all under one shared timer.
//!
//! A workshop lives in the map's document and changes only through the map's edit protocol
//! (`ops::Op::Workshop`): committed in order with the map's other edits, logged, audited and
//! relayed like them. The server holds the whole [`Workshop`] and applies each [`WorkshopOp`]
//! in its order ([`apply_to`], with the server's clock), filling in what only it knows (the
//! author, the privacy of a note, the notes a reveal shows, the ballots). Nobody but the server
//! sees all of it: each person gets [`Workshop::view_for`] when they join and, for every op,
//! [`WorkshopOp::seen_by`] — the op as they may see it, or nothing. A note's words stay with its
//! author until the reveal (the others see that a note is being written, in which band, by
//! whom), and a ballot stays with its voter until the votes are revealed. Applying one's relayed
//! ops to one's view gives exactly the view the server would hand out now: that is the
//! convergence rule the tests check under random interleavings.

use super::ids::{MapId, NoteGroupId, NoteId, ObjectiveId, PerspectiveId, UserId};
use serde::{Deserialize, Serialize};

/// The longest note, in characters: a sticky note holds a phrase, not an essay.
pub const MAX_NOTE_CHARS: usize = 200;
/// The most notes one workshop holds.
pub const MAX_NOTES: usize = 500;
/// The longest group title, in characters.
pub const MAX_GROUP_TITLE_CHARS: usize = 120;
/// Votes each person gets unless the facilitator says otherwise.
pub const DEFAULT_VOTES: u8 = 3;
/// The most votes a facilitator may hand each person.
pub const MAX_VOTES: u8 = 20;
/// The longest timer or vote, in seconds (a half-day session).
pub const MAX_SECONDS: u32 = 4 * 3600;

/// One sticky note in a band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub author: UserId,
    pub perspective_id: PerspectiveId,
    /// Empty in someone else's view while the notes are private ([`Note::hidden`]).
    pub text: String,
    pub group_id: Option<NoteGroupId>,
    /// The words are the author's alone for now: the viewer sees the note, not what it says.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// The objective this note became (alone or with its group); it leaves the board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted: Option<ObjectiveId>,
}

/// Notes dragged onto each other, with a title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: NoteGroupId,
    pub perspective_id: PerspectiveId,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted: Option<ObjectiveId>,
}

/// What a dot goes on, what gets promoted, what a note is dropped onto.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Note(NoteId),
    Group(NoteGroupId),
}

/// One dot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub voter: UserId,
    pub target: Target,
}

/// A dot-vote: N dots each, one or several per item, until the facilitator reveals the counts
/// (or the time is up and they do).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vote {
    pub per_person: u8,
    pub several_on_one: bool,
    /// Server time (ms since the epoch) when the vote closes, if it is timed.
    pub ends_at_ms: Option<i64>,
    /// Every dot while the vote runs is known to the server alone; each viewer's copy holds
    /// their own dots until the reveal, and everyone's after it.
    pub ballots: Vec<Ballot>,
    pub revealed: bool,
}

/// The facilitator's countdown, in server time so every screen shows the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timer {
    #[default]
    Idle,
    Running {
        ends_at_ms: i64,
    },
    Paused {
        left_ms: i64,
    },
}

impl Timer {
    /// Milliseconds left at `now_ms` (0 once it has run out; `None` when no timer is set).
    pub fn left_ms(&self, now_ms: i64) -> Option<i64> {
        match *self {
            Timer::Idle => None,
            Timer::Running { ends_at_ms } => Some((ends_at_ms - now_ms).max(0)),
            Timer::Paused { left_ms } => Some(left_ms),
        }
    }
}

/// What the facilitator does with the timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum TimerOp {
    Start { seconds: u32 },
    Pause,
    Resume,
    Extend { seconds: u32 },
    Stop,
}

/// A workshop on a map: who facilitates, the notes, groups, the vote and the timer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub map_id: MapId,
    pub facilitator: UserId,
    pub notes_revealed: bool,
    pub notes: Vec<Note>,
    pub groups: Vec<Group>,
    pub vote: Option<Vote>,
    pub timer: Timer,
}

/// One change to a workshop. What a person sends, and (redacted for them) what they receive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WorkshopOp {
    /// An editor starts a workshop on the map and facilitates it (`facilitator` is set by the
    /// server).
    Open {
        #[serde(default)]
        facilitator: Option<UserId>,
    },
    /// Facilitator: the workshop ends; notes that were not promoted go with it.
    Close,
    /// A new note in a band (`author` is set by the server; the client's value is ignored). In
    /// the applied op, `note.hidden` says the notes were private then (the server relays it
    /// without the words to everyone but the author).
    AddNote { note: Note },
    /// The author rewrites a note; relayed without the words while notes are private
    /// (`private`, set by the server).
    EditNote {
        id: NoteId,
        text: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        private: bool,
    },
    /// A note moves to another band (its author, or the facilitator).
    MoveNote {
        id: NoteId,
        perspective_id: PerspectiveId,
    },
    /// A note is removed (its author, or the facilitator).
    DeleteNote { id: NoteId },
    /// Facilitator: everyone sees every note. The server fills in the notes as they were, and
    /// relays to each person those they lacked.
    RevealNotes {
        #[serde(default)]
        notes: Vec<Note>,
    },
    /// A note dropped onto another note (a new group with `group` as its id, titled after the
    /// note it was dropped on) or onto a group (it joins).
    Cluster {
        note: NoteId,
        onto: Target,
        group: NoteGroupId,
    },
    /// A note taken out of its group (a group left with one note dissolves).
    Ungroup { note: NoteId },
    /// A group's title.
    TitleGroup { id: NoteGroupId, title: String },
    /// Facilitator: a dot-vote begins (a running one is replaced).
    StartVote {
        per_person: u8,
        several_on_one: bool,
        seconds: Option<u32>,
        /// Set by the server from its clock.
        #[serde(default)]
        ends_at_ms: Option<i64>,
    },
    /// One dot on a note or group; `voter` is set by the server. Relayed to the voter alone.
    Cast {
        target: Target,
        voter: Option<UserId>,
    },
    /// One of the voter's dots taken back. Relayed to the voter alone.
    Withdraw {
        target: Target,
        voter: Option<UserId>,
    },
    /// Facilitator (or the clock): the counts show. Relayed with every ballot.
    RevealVotes {
        #[serde(default)]
        ballots: Vec<Ballot>,
    },
    /// Facilitator: the timer. `state` is the timer afterwards, set by the server from its
    /// clock, so every screen counts down to the same moment.
    Timer {
        timer: TimerOp,
        #[serde(default)]
        state: Option<Timer>,
    },
    /// A note or group became objective `objective` (the map op that creates it travels in
    /// the same batch, so one undo takes both back).
    Promote {
        target: Target,
        objective: ObjectiveId,
    },
    /// The promotion of `target` undone: it is back on the board.
    Unpromote { target: Target },
}

/// Why a workshop op is refused; shown to the person whose op it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum WorkshopError {
    #[error("only the facilitator may do that")]
    FacilitatorOnly,
    #[error("only the note's author may do that")]
    AuthorOnly,
    #[error("no such note")]
    NoNote,
    #[error("no such group")]
    NoGroup,
    #[error("a note needs words, at most {MAX_NOTE_CHARS} characters")]
    NoteText,
    #[error("a group title is at most {MAX_GROUP_TITLE_CHARS} characters")]
    GroupTitle,
    #[error("the workshop holds at most {MAX_NOTES} notes")]
    TooManyNotes,
    #[error("that note is already there")]
    Duplicate,
    #[error("the notes are still private: reveal them first")]
    NotRevealed,
    #[error("no vote is running")]
    NoVote,
    #[error("the vote is over")]
    VoteOver,
    #[error("all your votes are cast")]
    NoVotesLeft,
    #[error("one vote per item in this round")]
    OneVoteEach,
    #[error("between 1 and {MAX_VOTES} votes, up to {MAX_SECONDS} seconds")]
    BadSettings,
    #[error("no timer is running")]
    NoTimer,
    #[error("already promoted")]
    AlreadyPromoted,
    #[error("not promoted")]
    NotPromoted,
    #[error("notes in different bands cannot be grouped")]
    OtherBand,
    #[error("a workshop is already running on this map")]
    AlreadyOpen,
    #[error("no workshop is running on this map")]
    NotOpen,
}

impl WorkshopError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        let text = match self {
            WorkshopError::FacilitatorOnly => {
                td_string!(locale, brainstorm.errors.facilitator_only)
            }
            WorkshopError::AuthorOnly => td_string!(locale, brainstorm.errors.author_only),
            WorkshopError::NoNote => td_string!(locale, brainstorm.errors.no_note),
            WorkshopError::NoGroup => td_string!(locale, brainstorm.errors.no_group),
            WorkshopError::NoteText => {
                return td_string!(locale, brainstorm.errors.note_text, max = MAX_NOTE_CHARS)
                    .to_string()
            }
            WorkshopError::GroupTitle => {
                let max = MAX_GROUP_TITLE_CHARS;
                return td_string!(locale, brainstorm.errors.group_title, max).to_string();
            }
            WorkshopError::TooManyNotes => {
                return td_string!(locale, brainstorm.errors.too_many_notes, max = MAX_NOTES)
                    .to_string()
            }
            WorkshopError::Duplicate => td_string!(locale, brainstorm.errors.duplicate),
            WorkshopError::NotRevealed => td_string!(locale, brainstorm.errors.not_revealed),
            WorkshopError::NoVote => td_string!(locale, brainstorm.errors.no_vote),
            WorkshopError::VoteOver => td_string!(locale, brainstorm.errors.vote_over),
            WorkshopError::NoVotesLeft => td_string!(locale, brainstorm.errors.no_votes_left),
            WorkshopError::OneVoteEach => td_string!(locale, brainstorm.errors.one_vote_each),
            WorkshopError::BadSettings => {
                let (votes, minutes) = (MAX_VOTES, MAX_SECONDS / 60);
                return td_string!(locale, brainstorm.errors.bad_settings, votes, minutes)
                    .to_string();
            }
            WorkshopError::NoTimer => td_string!(locale, brainstorm.errors.no_timer),
            WorkshopError::AlreadyPromoted => {
                td_string!(locale, brainstorm.errors.already_promoted)
            }
            WorkshopError::NotPromoted => td_string!(locale, brainstorm.errors.not_promoted),
            WorkshopError::OtherBand => td_string!(locale, brainstorm.errors.other_band),
            WorkshopError::AlreadyOpen => td_string!(locale, brainstorm.errors.already_open),
            WorkshopError::NotOpen => td_string!(locale, brainstorm.errors.not_open),
        };
        text.to_string()
    }
}

/// Applies `op` by `actor` at server time `now_ms` to a map's workshop, if any: `Open` starts one
/// led by `actor`, `Close` ends it (the facilitator's call), every other op needs one running.
/// Refused ops change nothing; applied ones carry what the server filled in.
pub fn apply_to(
    slot: &mut Option<Workshop>,
    map_id: MapId,
    actor: UserId,
    op: &mut WorkshopOp,
    now_ms: i64,
) -> Result<(), WorkshopError> {
    match (slot.as_mut(), op) {
        (None, WorkshopOp::Open { facilitator }) => {
            *facilitator = Some(actor);
            *slot = Some(Workshop::new(map_id, actor));
            Ok(())
        }
        (Some(_), WorkshopOp::Open { .. }) => Err(WorkshopError::AlreadyOpen),
        (None, _) => Err(WorkshopError::NotOpen),
        (Some(w), WorkshopOp::Close) => {
            w.facilitator_only(actor)?;
            *slot = None;
            Ok(())
        }
        (Some(w), op) => w.apply(actor, op, now_ms),
    }
}

/// Applies an op as the server relayed it ([`WorkshopOp::seen_by`]) to a person's copy of the
/// map's workshop; never refuses (the server checked it). A person's own op, before the server
/// answered, goes the same way: what only the server knows shows when its answer comes.
pub fn apply_relayed_to(slot: &mut Option<Workshop>, map_id: MapId, op: &WorkshopOp) {
    match (slot.as_mut(), op) {
        (
            None,
            WorkshopOp::Open {
                facilitator: Some(f),
            },
        ) => *slot = Some(Workshop::new(map_id, *f)),
        (Some(_), WorkshopOp::Close) => *slot = None,
        (Some(w), op) => w.apply_relayed(op),
        (None, _) => {}
    }
}

impl WorkshopOp {
    /// What kind of step this is, as the audit records it (a stable code; never the words of a
    /// note or the target of a dot).
    pub fn step(&self) -> &'static str {
        match self {
            WorkshopOp::Open { .. } => "opened",
            WorkshopOp::Close => "closed",
            WorkshopOp::AddNote { .. } => "note_added",
            WorkshopOp::EditNote { .. } => "note_edited",
            WorkshopOp::MoveNote { .. } => "note_moved",
            WorkshopOp::DeleteNote { .. } => "note_deleted",
            WorkshopOp::RevealNotes { .. } => "notes_revealed",
            WorkshopOp::Cluster { .. } => "clustered",
            WorkshopOp::Ungroup { .. } => "ungrouped",
            WorkshopOp::TitleGroup { .. } => "group_titled",
            WorkshopOp::StartVote { .. } => "vote_started",
            WorkshopOp::Cast { .. } => "voted",
            WorkshopOp::Withdraw { .. } => "vote_withdrawn",
            WorkshopOp::RevealVotes { .. } => "votes_revealed",
            WorkshopOp::Timer { .. } => "timer",
            WorkshopOp::Promote { .. } => "promoted",
            WorkshopOp::Unpromote { .. } => "unpromoted",
        }
    }

    /// The op as `viewer` receives it once the server applied it (`actor` did it); `None`: they
    /// get nothing. Decided by the applied op alone, so the live relay and a catch-up from the
    /// op log tell everyone the same, however late they come.
    pub fn seen_by(&self, actor: UserId, viewer: UserId) -> Option<WorkshopOp> {
        match self {
            WorkshopOp::AddNote { note } if note.hidden => Some(WorkshopOp::AddNote {
                note: if note.author == viewer {
                    Note {
                        hidden: false,
                        ..note.clone()
                    }
                } else {
                    Note {
                        text: String::new(),
                        ..note.clone()
                    }
                },
            }),
            WorkshopOp::EditNote { private: true, .. } if actor != viewer => None,
            WorkshopOp::RevealNotes { notes } => Some(WorkshopOp::RevealNotes {
                notes: notes
                    .iter()
                    .filter(|n| n.author != viewer)
                    .cloned()
                    .collect(),
            }),
            WorkshopOp::Cast { .. } | WorkshopOp::Withdraw { .. } if actor != viewer => None,
            other => Some(other.clone()),
        }
    }
}

impl Workshop {
    /// A fresh workshop, led by `facilitator`.
    pub fn new(map_id: MapId, facilitator: UserId) -> Self {
        Workshop {
            map_id,
            facilitator,
            notes_revealed: false,
            notes: Vec::new(),
            groups: Vec::new(),
            vote: None,
            timer: Timer::Idle,
        }
    }

    /// The note with this id.
    pub fn note(&self, id: NoteId) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// The notes of a group, in the order they were written.
    pub fn members(&self, group: NoteGroupId) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.group_id == Some(group))
    }

    /// Applies `op` by `actor` at server time `now_ms`, or refuses it and changes nothing.
    /// The server fills in what only it knows (author, voter, end times, revealed contents) so
    /// the op it relays is the one that was applied.
    pub fn apply(
        &mut self,
        actor: UserId,
        op: &mut WorkshopOp,
        now_ms: i64,
    ) -> Result<(), WorkshopError> {
        match op {
            WorkshopOp::AddNote { note } => {
                if self.notes.len() >= MAX_NOTES {
                    return Err(WorkshopError::TooManyNotes);
                }
                if self.note(note.id).is_some() {
                    return Err(WorkshopError::Duplicate);
                }
                note.text = checked_note_text(&note.text)?;
                note.author = actor;
                note.group_id = None;
                note.hidden = false;
                note.promoted = None;
                self.notes.push(note.clone());
                note.hidden = !self.notes_revealed;
            }
            WorkshopOp::EditNote { id, text, private } => {
                let text_ok = checked_note_text(text)?;
                let revealed = self.notes_revealed;
                let note = self.note_mut(*id)?;
                if note.author != actor {
                    return Err(WorkshopError::AuthorOnly);
                }
                note.text = text_ok.clone();
                *text = text_ok;
                *private = !revealed;
            }
            WorkshopOp::MoveNote { id, perspective_id } => {
                let facilitator = self.facilitator == actor;
                let note = self.note_mut(*id)?;
                if note.author != actor && !facilitator {
                    return Err(WorkshopError::AuthorOnly);
                }
                if note.perspective_id != *perspective_id {
                    note.perspective_id = *perspective_id;
                    let group = note.group_id.take();
                    if let Some(g) = group {
                        self.dissolve_if_alone(g);
                    }
                }
            }
            WorkshopOp::DeleteNote { id } => {
                let facilitator = self.facilitator == actor;
                let note = self.note_mut(*id)?;
                if note.author != actor && !facilitator {
                    return Err(WorkshopError::AuthorOnly);
                }
                let (id, group) = (note.id, note.group_id);
                self.notes.retain(|n| n.id != id);
                self.forget_ballots(Target::Note(id));
                if let Some(g) = group {
                    self.dissolve_if_alone(g);
                }
            }
            WorkshopOp::RevealNotes { notes } => {
                self.facilitator_only(actor)?;
                *notes = if self.notes_revealed {
                    Vec::new()
                } else {
                    self.notes.clone()
                };
                self.notes_revealed = true;
            }
            WorkshopOp::Open { .. } => return Err(WorkshopError::AlreadyOpen),
            // The workshop's slot ends it ([`apply_to`]).
            WorkshopOp::Close => self.facilitator_only(actor)?,
            WorkshopOp::Cluster { note, onto, group } => {
                self.require_revealed()?;
                self.cluster(*note, *onto, *group)?;
            }
            WorkshopOp::Ungroup { note } => {
                self.require_revealed()?;
                let n = self.note_mut(*note)?;
                if let Some(g) = n.group_id.take() {
                    self.dissolve_if_alone(g);
                }
            }
            WorkshopOp::TitleGroup { id, title } => {
                let title_ok = title.trim().to_string();
                if title_ok.chars().count() > MAX_GROUP_TITLE_CHARS {
                    return Err(WorkshopError::GroupTitle);
                }
                let g = self
                    .groups
                    .iter_mut()
                    .find(|g| g.id == *id)
                    .ok_or(WorkshopError::NoGroup)?;
                g.title = title_ok.clone();
                *title = title_ok;
            }
            WorkshopOp::StartVote {
                per_person,
                several_on_one,
                seconds,
                ends_at_ms,
            } => {
                self.facilitator_only(actor)?;
                self.require_revealed()?;
                if *per_person == 0
                    || *per_person > MAX_VOTES
                    || seconds.is_some_and(|s| s == 0 || s > MAX_SECONDS)
                {
                    return Err(WorkshopError::BadSettings);
                }
                *ends_at_ms = seconds.map(|s| now_ms + i64::from(s) * 1000);
                self.vote = Some(Vote {
                    per_person: *per_person,
                    several_on_one: *several_on_one,
                    ends_at_ms: *ends_at_ms,
                    ballots: Vec::new(),
                    revealed: false,
                });
            }
            WorkshopOp::Cast { target, voter } => {
                self.target_exists(*target)?;
                let vote = self.open_vote(now_ms)?;
                let mine = vote.ballots.iter().filter(|b| b.voter == actor);
                if mine.clone().count() >= usize::from(vote.per_person) {
                    return Err(WorkshopError::NoVotesLeft);
                }
                if !vote.several_on_one && mine.clone().any(|b| b.target == *target) {
                    return Err(WorkshopError::OneVoteEach);
                }
                vote.ballots.push(Ballot {
                    voter: actor,
                    target: *target,
                });
                *voter = Some(actor);
            }
            WorkshopOp::Withdraw { target, voter } => {
                let vote = self.open_vote(now_ms)?;
                let at = vote
                    .ballots
                    .iter()
                    .rposition(|b| b.voter == actor && b.target == *target)
                    .ok_or(WorkshopError::NoVote)?;
                vote.ballots.remove(at);
                *voter = Some(actor);
            }
            WorkshopOp::RevealVotes { ballots } => {
                self.facilitator_only(actor)?;
                let vote = self.vote.as_mut().ok_or(WorkshopError::NoVote)?;
                if vote.revealed {
                    return Err(WorkshopError::VoteOver);
                }
                vote.revealed = true;
                *ballots = vote.ballots.clone();
            }
            WorkshopOp::Timer { timer, state } => {
                self.facilitator_only(actor)?;
                self.timer = next_timer(self.timer, *timer, now_ms)?;
                *state = Some(self.timer);
            }
            WorkshopOp::Promote { target, objective } => {
                self.require_revealed()?;
                self.target_exists(*target)?;
                if self.promoted_as(*target).is_some() {
                    return Err(WorkshopError::AlreadyPromoted);
                }
                self.set_promoted(*target, Some(*objective));
            }
            WorkshopOp::Unpromote { target } => {
                if self.promoted_as(*target).is_none() {
                    return Err(WorkshopError::NotPromoted);
                }
                self.set_promoted(*target, None);
            }
        }
        Ok(())
    }

    /// Whether a timed dot-vote has run out and still waits for its counts to show: the
    /// server then reveals them on the facilitator's behalf.
    pub fn vote_due(&self, now_ms: i64) -> bool {
        self.vote
            .as_ref()
            .is_some_and(|v| !v.revealed && v.ends_at_ms.is_some_and(|end| now_ms >= end))
    }

    /// What `viewer` may see of the workshop now: others' words hidden while notes are private,
    /// others' dots hidden while the vote runs.
    pub fn view_for(&self, viewer: UserId) -> Workshop {
        let mut view = self.clone();
        if !self.notes_revealed {
            for n in view.notes.iter_mut().filter(|n| n.author != viewer) {
                n.text.clear();
                n.hidden = true;
            }
        }
        if let Some(v) = view.vote.as_mut() {
            if !v.revealed {
                v.ballots.retain(|b| b.voter == viewer);
            }
        }
        view
    }

    /// Applies an op as relayed by the server to this (viewer's) copy. Never refuses: the server
    /// already checked it.
    pub fn apply_relayed(&mut self, op: &WorkshopOp) {
        match op {
            WorkshopOp::AddNote { note } => {
                if self.note(note.id).is_none() {
                    self.notes.push(note.clone());
                }
            }
            WorkshopOp::EditNote { id, text, .. } => {
                if let Ok(n) = self.note_mut(*id) {
                    n.text = text.clone();
                }
            }
            WorkshopOp::Open { .. } | WorkshopOp::Close => {}
            WorkshopOp::RevealNotes { notes } => {
                self.notes_revealed = true;
                for revealed in notes {
                    if let Ok(n) = self.note_mut(revealed.id) {
                        n.text = revealed.text.clone();
                        n.hidden = false;
                    }
                }
            }
            WorkshopOp::RevealVotes { ballots } => {
                if let Some(v) = self.vote.as_mut() {
                    v.revealed = true;
                    v.ballots = ballots.clone();
                }
            }
            WorkshopOp::StartVote {
                per_person,
                several_on_one,
                ends_at_ms,
                ..
            } => {
                self.vote = Some(Vote {
                    per_person: *per_person,
                    several_on_one: *several_on_one,
                    ends_at_ms: *ends_at_ms,
                    ballots: Vec::new(),
                    revealed: false,
                });
            }
            WorkshopOp::Cast { target, voter } => {
                if let (Some(v), Some(voter)) = (self.vote.as_mut(), voter) {
                    v.ballots.push(Ballot {
                        voter: *voter,
                        target: *target,
                    });
                }
            }
            WorkshopOp::Withdraw { target, voter } => {
                if let (Some(v), Some(voter)) = (self.vote.as_mut(), voter) {
                    if let Some(at) = v
                        .ballots
                        .iter()
                        .rposition(|b| b.voter == *voter && b.target == *target)
                    {
                        v.ballots.remove(at);
                    }
                }
            }
            WorkshopOp::Timer { state, .. } => {
                if let Some(state) = state {
                    self.timer = *state;
                }
            }
            // The rest carry everything a copy needs: apply them the server's way, whose
            // checks the server already passed (the facilitator is whoever the server says).
            other => {
                let mut op = other.clone();
                let facilitator = self.facilitator;
                let _ = self.apply(facilitator, &mut op, 0);
            }
        }
    }

    /// Notes and groups still on the board, most dots first once the vote is revealed (ties
    /// keep the board's order); counts are `None` before the reveal.
    pub fn ranking(&self) -> Vec<(Target, Option<usize>)> {
        let revealed = self.vote.as_ref().filter(|v| v.revealed);
        let count =
            |t: Target| revealed.map(|v| v.ballots.iter().filter(|b| b.target == t).count());
        let mut items: Vec<(Target, Option<usize>)> = self
            .groups
            .iter()
            .filter(|g| g.promoted.is_none())
            .map(|g| Target::Group(g.id))
            .chain(
                self.notes
                    .iter()
                    .filter(|n| n.group_id.is_none() && n.promoted.is_none())
                    .map(|n| Target::Note(n.id)),
            )
            .map(|t| (t, count(t)))
            .collect();
        items.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        items
    }

    /// What a promoted note or group becomes: its band, a title (the note's words or the
    /// group's title) and a description (the group's notes, one per line).
    pub fn promotion(&self, target: Target) -> Option<(PerspectiveId, String, String)> {
        match target {
            Target::Note(id) => {
                let n = self.note(id)?;
                Some((n.perspective_id, n.text.clone(), String::new()))
            }
            Target::Group(id) => {
                let g = self.groups.iter().find(|g| g.id == id)?;
                let notes: Vec<&str> = self.members(id).map(|n| n.text.as_str()).collect();
                let title = if g.title.is_empty() {
                    notes.first().copied().unwrap_or_default().to_string()
                } else {
                    g.title.clone()
                };
                let description = notes
                    .iter()
                    .map(|t| format!("• {t}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                Some((g.perspective_id, title, description))
            }
        }
    }

    fn note_mut(&mut self, id: NoteId) -> Result<&mut Note, WorkshopError> {
        self.notes
            .iter_mut()
            .find(|n| n.id == id)
            .ok_or(WorkshopError::NoNote)
    }

    fn facilitator_only(&self, actor: UserId) -> Result<(), WorkshopError> {
        if actor == self.facilitator {
            Ok(())
        } else {
            Err(WorkshopError::FacilitatorOnly)
        }
    }

    fn require_revealed(&self) -> Result<(), WorkshopError> {
        if self.notes_revealed {
            Ok(())
        } else {
            Err(WorkshopError::NotRevealed)
        }
    }

    /// The running vote, if dots may still be cast at `now_ms`.
    fn open_vote(&mut self, now_ms: i64) -> Result<&mut Vote, WorkshopError> {
        let vote = self.vote.as_mut().ok_or(WorkshopError::NoVote)?;
        if vote.revealed || vote.ends_at_ms.is_some_and(|end| now_ms >= end) {
            return Err(WorkshopError::VoteOver);
        }
        Ok(vote)
    }

    fn target_exists(&self, target: Target) -> Result<(), WorkshopError> {
        match target {
            Target::Note(id) => self.note(id).map(|_| ()).ok_or(WorkshopError::NoNote),
            Target::Group(id) => self
                .groups
                .iter()
                .any(|g| g.id == id)
                .then_some(())
                .ok_or(WorkshopError::NoGroup),
        }
    }

    /// Drops `note` onto a note or group of the same band: it joins the group, or the two notes
    /// make a new group `group`, titled after the note dropped on. Checked before anything moves.
    fn cluster(
        &mut self,
        note: NoteId,
        onto: Target,
        group: NoteGroupId,
    ) -> Result<(), WorkshopError> {
        let band = self.note(note).ok_or(WorkshopError::NoNote)?.perspective_id;
        let (joined, band_onto, founded) = match onto {
            Target::Group(g) => {
                let g = self
                    .groups
                    .iter()
                    .find(|x| x.id == g)
                    .ok_or(WorkshopError::NoGroup)?;
                (g.id, g.perspective_id, None)
            }
            Target::Note(other) if other == note => return Err(WorkshopError::Duplicate),
            Target::Note(other) => {
                let o = self.note(other).ok_or(WorkshopError::NoNote)?;
                match o.group_id {
                    Some(g) => (g, o.perspective_id, None),
                    None if self.groups.iter().any(|g| g.id == group) => {
                        return Err(WorkshopError::Duplicate)
                    }
                    None => (group, o.perspective_id, Some((other, o.text.clone()))),
                }
            }
        };
        if band != band_onto {
            return Err(WorkshopError::OtherBand);
        }
        if let Some((other, text)) = founded {
            self.groups.push(Group {
                id: group,
                perspective_id: band,
                title: text.chars().take(MAX_GROUP_TITLE_CHARS).collect(),
                promoted: None,
            });
            self.note_mut(other)?.group_id = Some(group);
        }
        let old = self.note_mut(note)?.group_id.replace(joined);
        if let Some(old) = old.filter(|o| *o != joined) {
            self.dissolve_if_alone(old);
        }
        Ok(())
    }

    /// A group with fewer than two notes is no group: its last note stands alone again.
    fn dissolve_if_alone(&mut self, group: NoteGroupId) {
        if self.members(group).count() < 2 {
            for n in self.notes.iter_mut().filter(|n| n.group_id == Some(group)) {
                n.group_id = None;
            }
            self.groups.retain(|g| g.id != group);
            self.forget_ballots(Target::Group(group));
        }
    }

    fn forget_ballots(&mut self, target: Target) {
        if let Some(v) = self.vote.as_mut() {
            v.ballots.retain(|b| b.target != target);
        }
    }

    fn promoted_as(&self, target: Target) -> Option<ObjectiveId> {
        match target {
            Target::Note(id) => self.note(id)?.promoted,
            Target::Group(id) => self.groups.iter().find(|g| g.id == id)?.promoted,
        }
    }

    fn set_promoted(&mut self, target: Target, objective: Option<ObjectiveId>) {
        match target {
            Target::Note(id) => {
                if let Ok(n) = self.note_mut(id) {
                    n.promoted = objective;
                }
            }
            Target::Group(id) => {
                if let Some(g) = self.groups.iter_mut().find(|g| g.id == id) {
                    g.promoted = objective;
                }
                for n in self.notes.iter_mut().filter(|n| n.group_id == Some(id)) {
                    n.promoted = objective;
                }
            }
        }
    }
}

/// A note's words, trimmed; refused when empty or too long.
fn checked_note_text(text: &str) -> Result<String, WorkshopError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_NOTE_CHARS {
        return Err(WorkshopError::NoteText);
    }
    Ok(t.to_string())
}

/// The timer after the facilitator's `op` at `now_ms`.
fn next_timer(timer: Timer, op: TimerOp, now_ms: i64) -> Result<Timer, WorkshopError> {
    let ms = |s: u32| i64::from(s) * 1000;
    let in_range = |s: u32| s > 0 && s <= MAX_SECONDS;
    Ok(match (op, timer) {
        (TimerOp::Start { seconds } | TimerOp::Extend { seconds }, _) if !in_range(seconds) => {
            return Err(WorkshopError::BadSettings)
        }
        (TimerOp::Start { seconds }, _) => Timer::Running {
            ends_at_ms: now_ms + ms(seconds),
        },
        (TimerOp::Pause, Timer::Running { ends_at_ms }) => Timer::Paused {
            left_ms: (ends_at_ms - now_ms).max(0),
        },
        (TimerOp::Resume, Timer::Paused { left_ms }) => Timer::Running {
            ends_at_ms: now_ms + left_ms,
        },
        (TimerOp::Extend { seconds }, Timer::Running { ends_at_ms }) => Timer::Running {
            ends_at_ms: ends_at_ms.max(now_ms) + ms(seconds),
        },
        (TimerOp::Extend { seconds }, Timer::Paused { left_ms }) => Timer::Paused {
            left_ms: left_ms + ms(seconds),
        },
        (TimerOp::Stop, _) => Timer::Idle,
        _ => return Err(WorkshopError::NoTimer),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    /// Three people and two bands, with fixed ids so generated ops can name them.
    struct Room {
        people: [UserId; 3],
        bands: [PerspectiveId; 2],
    }

    fn room() -> Room {
        let id = |n: u128| Uuid::from_u128(n);
        Room {
            people: [UserId(id(1)), UserId(id(2)), UserId(id(3))],
            bands: [PerspectiveId(id(10)), PerspectiveId(id(11))],
        }
    }

    fn note(id: u128, band: PerspectiveId, text: &str) -> Note {
        Note {
            id: NoteId(Uuid::from_u128(id)),
            author: UserId(Uuid::nil()),
            perspective_id: band,
            text: text.into(),
            group_id: None,
            hidden: false,
            promoted: None,
        }
    }

    fn nid(n: u128) -> NoteId {
        NoteId(Uuid::from_u128(n))
    }

    fn gid(n: u128) -> NoteGroupId {
        NoteGroupId(Uuid::from_u128(n))
    }

    fn run(w: &mut Workshop, who: UserId, mut op: WorkshopOp) -> Result<(), WorkshopError> {
        w.apply(who, &mut op, 1_000)
    }

    fn revealed_board() -> (Room, Workshop) {
        let r = room();
        let [lead, ana, ben] = r.people;
        let mut w = Workshop::new(MapId(Uuid::from_u128(99)), lead);
        for (who, id, text) in [
            (ana, 100, "Faster fixes"),
            (ben, 101, "Fewer outages"),
            (ana, 102, "Train staff"),
        ] {
            run(
                &mut w,
                who,
                WorkshopOp::AddNote {
                    note: note(id, r.bands[0], text),
                },
            )
            .unwrap();
        }
        run(&mut w, lead, WorkshopOp::RevealNotes { notes: vec![] }).unwrap();
        (r, w)
    }

    #[test]
    fn a_workshop_lives_in_the_map_and_changes_through_its_edits() {
        use crate::domain::ops::{self, Op};
        let mut doc = crate::domain::fixtures::acme_doc();
        let band = doc.perspectives[1].id;
        let [lead, ana, _] = room().people;
        let step = |change| Op::Workshop {
            change,
            actor: None,
            at_ms: 0,
        };
        let ops_of = |who: UserId, mut batch: Vec<Op>, doc: &mut crate::domain::MapDocument| {
            ops::stamp_workshop_ops(&mut batch, who, 5_000);
            ops::apply_all_filled(doc, &mut batch).map(|()| batch)
        };
        assert!(
            ops_of(
                ana,
                vec![step(WorkshopOp::RevealNotes { notes: vec![] })],
                &mut doc
            )
            .is_err(),
            "nothing runs yet"
        );
        let opened = ops_of(
            lead,
            vec![step(WorkshopOp::Open { facilitator: None })],
            &mut doc,
        );
        assert_eq!(
            opened.unwrap(),
            vec![Op::Workshop {
                change: WorkshopOp::Open {
                    facilitator: Some(lead)
                },
                actor: Some(lead),
                at_ms: 5_000
            }]
        );
        assert_eq!(doc.workshop.as_ref().unwrap().facilitator, lead);
        let twice = ops_of(
            ana,
            vec![step(WorkshopOp::Open { facilitator: None })],
            &mut doc,
        );
        assert_eq!(
            twice,
            Err(ops::OpError::Workshop(WorkshopError::AlreadyOpen))
        );
        let batch = vec![
            step(WorkshopOp::AddNote {
                note: note(100, band, "Answer within a day"),
            }),
            step(WorkshopOp::RevealNotes { notes: vec![] }),
        ];
        assert!(
            ops_of(ana, batch.clone(), &mut doc).is_err(),
            "all or nothing"
        );
        assert!(doc.workshop.as_ref().unwrap().notes.is_empty());
        ops_of(ana, batch[..1].to_vec(), &mut doc).unwrap();
        ops_of(lead, batch[1..].to_vec(), &mut doc).unwrap();

        // Promotion: the objective and the mark in one batch; the inverse takes both back.
        let (objective, promote) =
            crate::domain::edits::promote(&doc, Target::Note(nid(100))).unwrap();
        let before = doc.clone();
        let undo: Vec<Op> = promote
            .iter()
            .rev()
            .flat_map(|op| ops::inverse(&before, op))
            .collect();
        ops_of(ana, promote, &mut doc).unwrap();
        let made = doc.objectives.iter().find(|o| o.id == objective).unwrap();
        assert_eq!(
            (made.title.as_str(), made.perspective_id),
            ("Answer within a day", band)
        );
        assert_eq!(
            doc.workshop.as_ref().unwrap().notes[0].promoted,
            Some(objective)
        );
        assert!(
            crate::domain::edits::promote(&doc, Target::Note(nid(100)))
                .map(|(_, b)| ops_of(ana, b, &mut doc.clone()))
                .is_some_and(|r| r.is_err()),
            "not twice"
        );
        ops_of(ana, undo, &mut doc).unwrap();
        assert!(doc.objectives.iter().all(|o| o.id != objective));
        assert_eq!(doc.workshop.as_ref().unwrap().notes[0].promoted, None);

        assert!(ops_of(ana, vec![step(WorkshopOp::Close)], &mut doc).is_err());
        ops_of(lead, vec![step(WorkshopOp::Close)], &mut doc).unwrap();
        assert_eq!(doc.workshop, None);
    }

    #[test]
    fn a_relayed_batch_tells_each_person_what_they_may_see() {
        use crate::domain::ops::{batch_seen_by, Committed, Op};
        let [lead, ana, ben] = room().people;
        let mut w = Workshop::new(MapId::new(), lead);
        let mut add = WorkshopOp::AddNote {
            note: note(100, room().bands[0], "Cut the backlog"),
        };
        w.apply(ana, &mut add, 0).unwrap();
        let batch = Committed {
            seq: 7,
            op_id: uuid::Uuid::nil(),
            author: ana,
            ops: vec![
                Op::Workshop {
                    change: add,
                    actor: Some(ana),
                    at_ms: 0,
                },
                Op::Workshop {
                    change: WorkshopOp::Cast {
                        target: Target::Note(nid(100)),
                        voter: Some(ana),
                    },
                    actor: Some(ana),
                    at_ms: 0,
                },
            ],
        };
        let to_ben = batch_seen_by(&batch, ben);
        assert_eq!(to_ben.seq, 7);
        let [Op::Workshop {
            change: WorkshopOp::AddNote { note: seen },
            actor: None,
            ..
        }] = &to_ben.ops[..]
        else {
            panic!("{to_ben:?}")
        };
        assert!(seen.text.is_empty() && seen.hidden);
        let to_ana = batch_seen_by(&batch, ana);
        assert_eq!(to_ana.ops.len(), 2, "her own dot comes back to her");
    }

    #[test]
    fn notes_stay_with_their_author_until_the_reveal() {
        let r = room();
        let [lead, ana, ben] = r.people;
        let mut w = Workshop::new(MapId::new(), lead);
        let mut add = WorkshopOp::AddNote {
            note: note(100, r.bands[0], "  Faster fixes "),
        };
        w.apply(ana, &mut add, 0).unwrap();
        assert_eq!(w.notes[0].author, ana, "the server names the author");
        assert_eq!(w.notes[0].text, "Faster fixes");
        let to_ben = add.seen_by(ana, ben).unwrap();
        let WorkshopOp::AddNote { note: seen } = &to_ben else {
            panic!("{to_ben:?}")
        };
        assert!(
            seen.hidden && seen.text.is_empty(),
            "Ben sees a note, not its words"
        );
        assert_eq!(w.view_for(ben).notes[0].text, "");
        assert_eq!(w.view_for(ana).notes[0].text, "Faster fixes");
        let to_ana = add.seen_by(ana, ana).unwrap();
        assert_eq!(
            to_ana,
            WorkshopOp::AddNote {
                note: w.notes[0].clone()
            },
            "Ana gets her own words back"
        );
        let mut edit = WorkshopOp::EditNote {
            id: nid(100),
            text: "Fix it faster".into(),
            private: false,
        };
        assert_eq!(
            run(&mut w, ben, edit.clone()),
            Err(WorkshopError::AuthorOnly)
        );
        w.apply(ana, &mut edit, 0).unwrap();
        assert_eq!(edit.seen_by(ana, ben), None, "Ben hears nothing of it");
        assert_eq!(edit.seen_by(ana, ana), Some(edit.clone()));
        assert_eq!(
            run(&mut w, ana, WorkshopOp::RevealNotes { notes: vec![] }),
            Err(WorkshopError::FacilitatorOnly)
        );
        let mut reveal = WorkshopOp::RevealNotes { notes: vec![] };
        w.apply(lead, &mut reveal, 0).unwrap();
        let WorkshopOp::RevealNotes { notes } = reveal.seen_by(lead, ben).unwrap() else {
            panic!()
        };
        assert_eq!(
            notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            ["Fix it faster"]
        );
        let WorkshopOp::RevealNotes { notes } = reveal.seen_by(lead, ana).unwrap() else {
            panic!()
        };
        assert!(notes.is_empty(), "Ana had her own words already");
        assert_eq!(w.view_for(ben).notes[0].text, "Fix it faster");
    }

    #[test]
    fn bad_notes_are_refused_and_change_nothing() {
        let r = room();
        let mut w = Workshop::new(MapId::new(), r.people[0]);
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        for text in ["   ", long.as_str()] {
            assert_eq!(
                run(
                    &mut w,
                    r.people[1],
                    WorkshopOp::AddNote {
                        note: note(1, r.bands[0], text)
                    }
                ),
                Err(WorkshopError::NoteText)
            );
        }
        assert!(w.notes.is_empty());
        run(
            &mut w,
            r.people[1],
            WorkshopOp::AddNote {
                note: note(1, r.bands[0], "ok"),
            },
        )
        .unwrap();
        assert_eq!(
            run(
                &mut w,
                r.people[2],
                WorkshopOp::AddNote {
                    note: note(1, r.bands[0], "again")
                }
            ),
            Err(WorkshopError::Duplicate)
        );
        assert_eq!(
            run(
                &mut w,
                r.people[1],
                WorkshopOp::Cluster {
                    note: nid(1),
                    onto: Target::Note(nid(1)),
                    group: gid(5)
                }
            ),
            Err(WorkshopError::NotRevealed)
        );
    }

    #[test]
    fn notes_dropped_on_each_other_make_a_group_that_dissolves_when_one_is_left() {
        let (r, mut w) = revealed_board();
        let ben = r.people[2];
        run(
            &mut w,
            ben,
            WorkshopOp::Cluster {
                note: nid(101),
                onto: Target::Note(nid(100)),
                group: gid(7),
            },
        )
        .unwrap();
        assert_eq!(w.groups.len(), 1);
        assert_eq!(
            w.groups[0].title, "Faster fixes",
            "titled after the note it was dropped on"
        );
        run(
            &mut w,
            ben,
            WorkshopOp::Cluster {
                note: nid(102),
                onto: Target::Group(gid(7)),
                group: gid(8),
            },
        )
        .unwrap();
        assert_eq!(w.members(gid(7)).count(), 3);
        run(
            &mut w,
            ben,
            WorkshopOp::TitleGroup {
                id: gid(7),
                title: " Reliable service ".into(),
            },
        )
        .unwrap();
        assert_eq!(w.groups[0].title, "Reliable service");
        run(&mut w, ben, WorkshopOp::Ungroup { note: nid(102) }).unwrap();
        run(&mut w, ben, WorkshopOp::Ungroup { note: nid(101) }).unwrap();
        assert!(w.groups.is_empty(), "a group of one is no group");
        assert!(w.notes.iter().all(|n| n.group_id.is_none()));
        // Another band: no group across bands.
        assert_eq!(
            run(
                &mut w,
                ben,
                WorkshopOp::MoveNote {
                    id: nid(100),
                    perspective_id: r.bands[1]
                }
            ),
            Err(WorkshopError::AuthorOnly)
        );
        run(
            &mut w,
            r.people[0],
            WorkshopOp::MoveNote {
                id: nid(101),
                perspective_id: r.bands[1],
            },
        )
        .unwrap();
        assert_eq!(
            run(
                &mut w,
                ben,
                WorkshopOp::Cluster {
                    note: nid(101),
                    onto: Target::Note(nid(100)),
                    group: gid(9)
                }
            ),
            Err(WorkshopError::OtherBand)
        );
        assert!(w.groups.is_empty(), "a refused drop leaves no group behind");
    }

    #[test]
    fn dots_are_hidden_until_the_reveal_then_rank_the_board() {
        let (r, mut w) = revealed_board();
        let [lead, ana, ben] = r.people;
        let start = WorkshopOp::StartVote {
            per_person: 2,
            several_on_one: false,
            seconds: Some(60),
            ends_at_ms: None,
        };
        assert_eq!(
            run(&mut w, ana, start.clone()),
            Err(WorkshopError::FacilitatorOnly)
        );
        run(&mut w, lead, start).unwrap();
        assert_eq!(
            w.vote.as_ref().unwrap().ends_at_ms,
            Some(61_000),
            "server time"
        );
        let cast = |t| WorkshopOp::Cast {
            target: Target::Note(nid(t)),
            voter: None,
        };
        run(&mut w, ana, cast(101)).unwrap();
        assert_eq!(run(&mut w, ana, cast(101)), Err(WorkshopError::OneVoteEach));
        run(&mut w, ana, cast(100)).unwrap();
        assert_eq!(run(&mut w, ana, cast(102)), Err(WorkshopError::NoVotesLeft));
        let mut bens = cast(101);
        w.apply(ben, &mut bens, 1_000).unwrap();
        assert_eq!(bens.seen_by(ben, ana), None, "Ana never learns Ben's dot");
        assert_eq!(w.view_for(ana).vote.unwrap().ballots.len(), 2);
        assert_eq!(
            w.view_for(lead).vote.unwrap().ballots.len(),
            0,
            "not even the facilitator"
        );
        assert!(
            w.ranking().iter().all(|(_, n)| n.is_none()),
            "no counts before the reveal"
        );
        assert!(!w.vote_due(60_999) && w.vote_due(61_000));
        assert_eq!(
            w.apply(ben, &mut cast(100), 61_000),
            Err(WorkshopError::VoteOver)
        );
        run(&mut w, lead, WorkshopOp::RevealVotes { ballots: vec![] }).unwrap();
        let ranked = w.ranking();
        assert_eq!(ranked[0], (Target::Note(nid(101)), Some(2)));
        assert_eq!(ranked[1], (Target::Note(nid(100)), Some(1)));
        assert_eq!(ranked[2], (Target::Note(nid(102)), Some(0)));
        assert_eq!(w.view_for(ben).vote.unwrap().ballots.len(), 3);
    }

    #[test]
    fn a_promoted_group_becomes_a_title_and_its_notes_and_comes_back_on_undo() {
        let (r, mut w) = revealed_board();
        let ben = r.people[2];
        run(
            &mut w,
            ben,
            WorkshopOp::Cluster {
                note: nid(101),
                onto: Target::Note(nid(100)),
                group: gid(7),
            },
        )
        .unwrap();
        let (band, title, description) = w.promotion(Target::Group(gid(7))).unwrap();
        assert_eq!((band, title.as_str()), (r.bands[0], "Faster fixes"));
        assert_eq!(description, "• Faster fixes\n• Fewer outages");
        let objective = ObjectiveId(Uuid::from_u128(500));
        run(
            &mut w,
            ben,
            WorkshopOp::Promote {
                target: Target::Group(gid(7)),
                objective,
            },
        )
        .unwrap();
        assert_eq!(
            run(
                &mut w,
                ben,
                WorkshopOp::Promote {
                    target: Target::Group(gid(7)),
                    objective
                }
            ),
            Err(WorkshopError::AlreadyPromoted)
        );
        assert_eq!(
            w.ranking(),
            vec![(Target::Note(nid(102)), None)],
            "promoted items leave the board"
        );
        run(
            &mut w,
            ben,
            WorkshopOp::Unpromote {
                target: Target::Group(gid(7)),
            },
        )
        .unwrap();
        assert_eq!(w.ranking().len(), 2);
        assert!(w.notes.iter().all(|n| n.promoted.is_none()));
    }

    #[test]
    fn the_timer_counts_in_server_time() {
        let t = next_timer(Timer::Idle, TimerOp::Start { seconds: 300 }, 10_000).unwrap();
        assert_eq!(t.left_ms(70_000), Some(240_000));
        let t = next_timer(t, TimerOp::Pause, 70_000).unwrap();
        assert_eq!(
            t.left_ms(999_999),
            Some(240_000),
            "a paused timer does not run"
        );
        let t = next_timer(t, TimerOp::Extend { seconds: 60 }, 80_000).unwrap();
        let t = next_timer(t, TimerOp::Resume, 100_000).unwrap();
        assert_eq!(
            t,
            Timer::Running {
                ends_at_ms: 400_000
            }
        );
        assert_eq!(t.left_ms(500_000), Some(0));
        assert_eq!(
            next_timer(Timer::Idle, TimerOp::Pause, 0),
            Err(WorkshopError::NoTimer)
        );
        assert_eq!(
            next_timer(
                Timer::Idle,
                TimerOp::Start {
                    seconds: MAX_SECONDS + 1
                },
                0
            ),
            Err(WorkshopError::BadSettings)
        );
        assert_eq!(next_timer(t, TimerOp::Stop, 0).unwrap().left_ms(0), None);
    }

    /// A random op by one of the three people (index 0 facilitates), naming a few fixed notes
    /// and groups so ops collide.
    fn any_op() -> impl Strategy<Value = (usize, WorkshopOp)> {
        let r = room();
        let band = prop::sample::select(r.bands.to_vec());
        let n = (0u128..5).prop_map(|i| nid(100 + i));
        let g = (0u128..3).prop_map(|i| gid(200 + i));
        let target = prop_oneof![
            n.clone().prop_map(Target::Note),
            g.clone().prop_map(Target::Group)
        ];
        let op = prop_oneof![
            3 => (n.clone(), band.clone(), "[a-z]{1,8}").prop_map(|(id, b, t)| WorkshopOp::AddNote { note: Note { id, ..note(0, b, &t) } }),
            1 => (n.clone(), "[a-z]{1,8}").prop_map(|(id, text)| WorkshopOp::EditNote { id, text, private: false }),
            1 => (n.clone(), band).prop_map(|(id, perspective_id)| WorkshopOp::MoveNote { id, perspective_id }),
            1 => n.clone().prop_map(|id| WorkshopOp::DeleteNote { id }),
            1 => Just(WorkshopOp::RevealNotes { notes: vec![] }),
            2 => (n.clone(), target.clone(), g.clone()).prop_map(|(note, onto, group)| WorkshopOp::Cluster { note, onto, group }),
            1 => n.clone().prop_map(|note| WorkshopOp::Ungroup { note }),
            1 => (1u8..4, any::<bool>()).prop_map(|(per_person, several_on_one)| WorkshopOp::StartVote { per_person, several_on_one, seconds: None, ends_at_ms: None }),
            4 => target.clone().prop_map(|target| WorkshopOp::Cast { target, voter: None }),
            1 => target.clone().prop_map(|target| WorkshopOp::Withdraw { target, voter: None }),
            1 => Just(WorkshopOp::RevealVotes { ballots: vec![] }),
            1 => (target.clone(), 0u128..3).prop_map(|(target, o)| WorkshopOp::Promote { target, objective: ObjectiveId(Uuid::from_u128(900 + o)) }),
            1 => target.prop_map(|target| WorkshopOp::Unpromote { target }),
            1 => (1u32..100).prop_map(|seconds| WorkshopOp::Timer { timer: TimerOp::Start { seconds }, state: None }),
        ];
        (0usize..3, op)
    }

    proptest! {
        /// Whatever order the server takes the three people's ops in, each person's copy (their
        /// first view plus what was relayed to them) is exactly what the server would show them
        /// now; nobody holds a dot of someone else's before the reveal, or a note's words; and
        /// nobody's dots exceed what the vote allows.
        #[test]
        fn every_copy_converges_and_keeps_secrets(ops in prop::collection::vec(any_op(), 1..60)) {
            let r = room();
            let mut server = Workshop::new(MapId(Uuid::from_u128(99)), r.people[0]);
            let mut copies: Vec<Workshop> = r.people.iter().map(|p| server.view_for(*p)).collect();
            for (step, (who, op)) in ops.into_iter().enumerate() {
                let actor = r.people[who];
                let before = server.clone();
                let mut op = op;
                if server.apply(actor, &mut op, step as i64 * 1000).is_err() {
                    prop_assert_eq!(&server, &before, "a refused op changes nothing");
                    continue;
                }
                for (copy, viewer) in copies.iter_mut().zip(r.people) {
                    if let Some(seen) = op.seen_by(actor, viewer) {
                        copy.apply_relayed(&seen);
                    }
                }
                for (copy, viewer) in copies.iter().zip(r.people) {
                    prop_assert_eq!(copy, &server.view_for(viewer));
                    if let Some(v) = copy.vote.as_ref().filter(|v| !v.revealed) {
                        prop_assert!(v.ballots.iter().all(|b| b.voter == viewer));
                    }
                    if !server.notes_revealed {
                        prop_assert!(copy.notes.iter().filter(|n| n.author != viewer).all(|n| n.text.is_empty()));
                    }
                }
                if let Some(v) = &server.vote {
                    for p in r.people {
                        let mine: Vec<_> = v.ballots.iter().filter(|b| b.voter == p).collect();
                        prop_assert!(mine.len() <= usize::from(v.per_person));
                        if !v.several_on_one {
                            let mut targets: Vec<_> = mine.iter().map(|b| b.target).collect();
                            targets.sort();
                            targets.dedup();
                            prop_assert_eq!(targets.len(), mine.len(), "one dot per item");
                        }
                    }
                }
            }
        }
    }
}
