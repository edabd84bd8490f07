"""Process definitions: plain, frozen data. The same definition drives the machine, the API's
process listing, and the actions a user is offered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


def N_(text: str) -> str:
    """Mark a label for translation: pybabel extracts N_("..."), pages translate it where shown
    (the `t` template filter). The definition itself stays in Indonesian, as the API shows it."""
    return text


class Labelled(StrEnum):
    """A vocabulary: each member is its stored string and carries its label (Indonesian, marked
    N_; pages translate it where shown). Members are declared as `NAME = "value", N_("Label")`."""

    label: str

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored strings, e.g. for a CHECK constraint or a schema's OneOf."""
        return tuple(m.value for m in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


class Phase(Labelled):
    """The four phases every process's states fall into (the engine's own vocabulary)."""

    INTAKE = "intake", N_("Penerimaan")
    REVIEW = "review", N_("Penelaahan")
    MEETING = "meeting", N_("Rapat")
    CONCLUSION = "conclusion", N_("Kesimpulan")


class Clock(StrEnum):
    """What a transition does to the SLA clock."""

    START = "start"  # starts the day after today (unless already running)
    RESTART = "restart"  # a new stage with its own limit: starts afresh
    PAUSE = "pause"  # the file is back with the applicant
    RESUME = "resume"  # the applicant gave it back
    EXTEND = "extend"  # by data["days"] working days, with a reason
    STOP = "stop"  # concluded or withdrawn


class DayUnit(StrEnum):
    WORKING = "working"  # "hari kerja"
    CALENDAR = "calendar"  # "hari"
    MONTH = "month"  # "bulan": e.g. the naturalisation oath within 3 months of the decree


# The unit as a rule states it, for labels ("5 hari kerja", "60 hari", "3 bulan").
UNIT_LABELS = {DayUnit.WORKING: N_("hari kerja"), DayUnit.CALENDAR: N_("hari"), DayUnit.MONTH: N_("bulan")}


@dataclass(frozen=True)
class TimeLimit:
    days: int
    unit: DayUnit = DayUnit.WORKING
    # The most an office may set it to (the service catalogue), when the rule allows longer.
    maximum: int | None = None


@dataclass(frozen=True)
class Stage:
    """A stage of the SLA clock before the process's own, with its own limit (the office may set
    its days in the service catalogue): e.g. the administrative check of a harmonisation, 3 working
    days from submission, before the 5 working days from "declared complete". The request records
    the running stage (requests.clock_stage); the process's own clock is no stage."""

    name: str
    label: str
    limit: TimeLimit


@dataclass(frozen=True)
class State:
    name: str
    phase: Phase
    label: str
    final: bool = False
    # Left out of request lists unless asked for by name (a discarded draft is clutter).
    unlisted: bool = False
    # Whose deadline the running clock is in this state when it is not the office's own, e.g.
    # the legal-aid organisation's (OBH) answer after referral (PP 42/2013 Pasal 7).
    deadline_of: str | None = None
    # What operations outside the engine may assume of a request in this state (StateTag): they
    # ask the process for its tagged states instead of spelling state names out.
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Input:
    """A value a transition needs in its `data`. kind: "date", "int", "text", "user_ids" or "bool"."""

    name: str
    kind: str
    label: str
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True
    # A date on which the office should work (a meeting's): a day off at the office only with the
    # transition's CONFIRM_DAY_OFF input set, so no path schedules on a holiday unasked.
    working_day: bool = False


# The bool input by which the caller confirms a `working_day` date that falls on a day off.
CONFIRM_DAY_OFF = "confirm_non_working_day"


class StateTag(StrEnum):
    """What a state means to the operations and pages around the engine (meetings, minutes)."""

    MEETING_READY = "meeting_ready"  # the file may be put on a harmonisation meeting's agenda
    MEETING_SCHEDULED = (
        "meeting_scheduled"  # a meeting is scheduled: rescheduling, cancelling, holding it move the file
    )
    MINUTES_OPEN = "minutes_open"  # minutes (berita acara) may be started
    MEETING_HELD = "meeting_held"  # the meeting took place: its minutes may be finalised


# A guard gets (request, context) and returns None when satisfied, else the reason (Indonesian).
Guard = Callable[..., "str | None"]


def row_guard(guard: Guard) -> Guard:
    """Mark a guard that looks at the request row alone (context may be None): cheap enough to
    decide which actions to offer, so a user is not shown a button that can only fail."""
    setattr(guard, "row_only", True)  # noqa: B010 (a function attribute the type checker cannot see)
    return guard


# An effect runs after the state moved: it may change the request and add to the event's data.
Effect = Callable[..., None]


class NamedEffect:
    """An effect a process declares by name and operations/ implements (`implement`), for work
    that belongs to operations/, such as issuing a numbered letter: a process module stays data
    and never imports operations/."""

    def __init__(self, name: str):
        self.name = name
        self._implementation: Effect | None = None

    def implement(self, implementation: Effect) -> Effect:
        self._implementation = implementation
        return implementation

    def __call__(self, request, ctx, event_data) -> None:
        if self._implementation is None:
            raise LookupError(f"effect {self.name!r} has no implementation: operations/ registers it")
        self._implementation(request, ctx, event_data)

    def __repr__(self) -> str:
        return f"NamedEffect({self.name!r})"


@dataclass(frozen=True)
class Notify:
    """Who hears of a transition, and under which kind (each user may turn e-mail off per kind).

    audience: "applicant" (a public applicant's e-mail, or the applicant organisation's drafters),
    "officers" (the office's officers: intake), "assignees" (the drafters assigned to the file),
    "heads" (the office's heads)."""

    audience: str
    kind: str = "status"


AUDIENCES = ("applicant", "officers", "assignees", "heads")


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str | None  # None: the state stays (e.g. extending a deadline)
    roles: tuple[str, ...]
    label: str
    requires_comment: bool = False
    inputs: tuple[Input, ...] = ()
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    clock: Clock | None = None
    limit: TimeLimit | None = None  # for START/RESTART: this stage's limit (else the process's)
    # For START: the clock runs for this stage (with its limit) rather than the process's own clock.
    # START starts the clock unless the same stage already runs, so the process's own START ends a
    # stage, and a resubmission after a return during the review resumes the clock it paused.
    stage: Stage | None = None
    # Officers may fire it only on requests they are assigned to (heads always may).
    assignees_only: bool = False
    timer: Timer | None = None  # fired by `workflow tick` as the system (roles ("system",))
    notify: bool = False  # concerns the applicant: tell them (Notify("applicant"))
    notices: tuple[Notify, ...] = ()  # who else hears of it (staff), or the applicant under another kind

    @property
    def all_notices(self) -> tuple[Notify, ...]:
        return ((Notify("applicant"),) if self.notify else ()) + self.notices


@dataclass(frozen=True)
class Timer:
    """Fire the transition by the system once time runs out: `days` after the request entered
    the transition's source state, (basis "due_date") `days` after the SLA due date, or (basis
    "applicant_due") `days` after the applicant's own deadline (e.g. for a correction)."""

    days: int
    unit: DayUnit = DayUnit.WORKING
    basis: str = "entered"  # or "due_date", "applicant_due"
    # The office may set the days (the service catalogue, like a time limit): unconfirmed rules.
    configurable: bool = False
    maximum: int | None = None


@dataclass(frozen=True)
class Deadline:
    """A deadline beside the SLA clock, derived from the events: it runs from the first event
    of `starts` and is met by the first event of `met_by` after it, e.g. a public complaint's
    written reply within 14 days of receipt, while the resolution clock runs its 60 days."""

    name: str
    label: str
    starts: tuple[str, ...]
    met_by: tuple[str, ...]
    limit: TimeLimit


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: str
    uploader: str  # "applicant" or "staff"
    images: bool = False  # photos (JPEG/PNG) accepted too, e.g. of an identity card
    # Personal data (UU 27/2022), as Field.sensitive: only heads and assigned staff download it,
    # every read logged; listed to others with the name hidden. Whoever uploaded it.
    sensitive: bool = False
    # As Field.intake_readable: the office's staff also download it while the file is in intake,
    # when it is what they check for completeness (e.g. a human-rights complaint letter).
    intake_readable: bool = False


@dataclass(frozen=True)
class Field:
    """A detail the applicant gives at intake. `sensitive` (UU 27/2022): shown only to assigned
    staff and heads, every read logged, redacted for everyone else."""

    name: str
    label: str
    kind: str = "text"  # "text", "longtext", "email", "date", "choice", "bool", "int"
    required: bool = True
    sensitive: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 2000
    # The office's staff may read it while the file is in its intake phase, to judge whether it
    # is complete (e.g. a human-rights complaint's chronology), besides heads and assignees.
    intake_readable: bool = False
    # Part of the applicant's identity: when they ask for confidentiality (the process's
    # `confidential_field`), only the staff assigned to the request see it, not even the head.
    identity: bool = False
    minimum: int | None = None  # for kind "int"
    maximum: int | None = None


class DefinitionError(ValueError):
    """A process definition that cannot run, named at import: the process and the field at fault."""


FIELD_KINDS = ("text", "longtext", "email", "date", "choice", "bool", "int")
INPUT_KINDS = ("date", "int", "text", "user_ids", "bool")


@dataclass(frozen=True)
class Referral:
    """The organisation a file is handed to (legal aid: the OBH, PP 42/2013 Pasal 7), recorded as
    the `input` of the transitions `by`; it holds the file until one of `ended_by` (a refusal)."""

    label: str  # what the e-mails call it, e.g. "Organisasi bantuan hukum (OBH)"
    input: str
    by: tuple[str, ...]
    ended_by: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # one object per process: identity is equality (and hashable)
class Process:
    name: str
    label: str
    number_code: str  # the process's part of a registration number, e.g. "RANPERDA"
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    document_kinds: tuple[DocumentKind, ...] = ()
    # Each group is "one of these kinds"; every group must be satisfied to submit.
    required_documents: tuple[tuple[str, ...], ...] = ()
    time_limit: TimeLimit | None = None
    # States only the applicant sees (an unsubmitted draft is nobody else's business).
    private_states: tuple[str, ...] = ()
    # Who opens a request: "account" (an applicant organisation's drafter), "public" (anyone,
    # through the public form, followed with a tracking code and PIN) or "staff" (registered
    # by an officer for a walk-in applicant).
    intake: str = "account"
    fields: tuple[Field, ...] = ()
    # Extra required documents for a variant chosen in a field, e.g. geographical indications.
    variant_field: str | None = None
    variant_documents: dict = field(default_factory=dict)
    summary: str = ""  # one paragraph for the public form and the help page
    # What happens next and by when, for the confirmation page and the receipt: Indonesian with
    # the office's limits as placeholders (%(time_limit)s, %(timer_<trigger>)s, %(deadline_<name>)s).
    promise: str = ""
    # States in which the applicant holds the file and may upload documents.
    applicant_upload_states: tuple[str, ...] = ()
    staff_upload_states: tuple[str, ...] = ()
    # Deadlines beside the SLA clock (see Deadline).
    deadlines: tuple[Deadline, ...] = ()
    # A public process whose applicant may also apply orally at the counter: an officer records
    # the application (the request is theirs until registered) with the applicant's documents.
    counter_intake: bool = False
    # Staff documents handed in with an oral application at the counter (e.g. the statement).
    counter_documents: tuple[str, ...] = ()
    # A bool field by which the applicant asks that their identity fields stay confidential.
    confidential_field: str | None = None
    # Its files are confidential matters (sensitive personal data, UU 27/2022): its e-mails carry
    # a confidentiality notice. A request whose applicant asked for confidentiality is one too.
    confidential: bool = False
    # The organisation the file is referred to, named in the e-mails while it holds the file.
    referral: Referral | None = None
    # States in which the applicant's own deadline (requests.applicant_due_on, e.g. to correct a
    # draft) is the one that counts, shown and filtered where the office's due date is otherwise.
    applicant_deadline_states: tuple[str, ...] = ()
    # Who may apply, for processes opened by an organisation (processes/common.APPLICANT_TYPES):
    # a Ranperda from the Kepala Daerah or the DPRD, a Ranperkada from the Kepala Daerah only.
    applicant_types: tuple[str, ...] = ()
    # lookups built once in __post_init__ (name -> state, trigger -> transition, ...)
    _by_state: dict = field(default=None, init=False, repr=False, compare=False)
    _states: dict = field(default=None, init=False, repr=False, compare=False)
    _by_trigger: dict = field(default=None, init=False, repr=False, compare=False)
    _by_state_role: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        def _require(condition, message: str) -> None:
            # an exception, not `assert` (which python -O removes): a wrong definition never runs
            if not condition:
                raise DefinitionError(message if message.startswith(self.name) else f"{self.name}: {message}")

        names = [s.name for s in self.states]
        triggers = [t.trigger for t in self.transitions]
        kinds = {k.name for k in self.document_kinds}
        _require(len(set(names)) == len(names), f"{self.name}: duplicate state")
        _require(len(set(triggers)) == len(triggers), f"{self.name}: duplicate trigger")
        _require(self.initial in names, f"initial state {self.initial!r} is not one of its states")
        for t in self.transitions:
            _require(set(t.sources) | {t.dest or t.sources[0]} <= set(names), f"{self.name}.{t.trigger}: unknown state")
            _require(t.requires_comment or t.clock != Clock.EXTEND, f"{t.trigger}: an extension needs a reason")
        for group in self.required_documents + tuple(g for gs in self.variant_documents.values() for g in gs):
            _require(set(group) <= kinds, f"{self.name}: unknown document kind in {group}")
        for t in self.transitions:
            _require((t.timer is not None) == (t.roles == ("system",)), f"{t.trigger}: timers fire as the system")
        _require(self.intake in ("account", "public", "staff"), f"intake {self.intake!r}: account, public or staff")
        _require(
            not self.counter_intake or (self.intake == "public" and "register_oral" in triggers),
            f"{self.name}: counter intake is for public processes, registered by 'register_oral'",
        )
        if self.confidential_field:
            confidential = self.intake_field(self.confidential_field)
            _require(
                confidential is not None and confidential.kind == "bool",
                f"confidential_field {self.confidential_field!r} must be a bool field",
            )
        if self.referral:
            by = [next((t for t in self.transitions if t.trigger == name), None) for name in self.referral.by]
            _require(
                all(t is not None and any(i.name == self.referral.input for i in t.inputs) for t in by)
                and set(self.referral.ended_by) <= set(triggers),
                f"referral: each of {self.referral.by} needs the input {self.referral.input!r}",
            )
        for d in self.deadlines:
            _require(
                set(d.starts) | set(d.met_by) <= set(triggers) | {"create"}, f"{self.name}.{d.name}: unknown trigger"
            )
        for t in self.transitions:
            _require(all(n.audience in AUDIENCES for n in t.all_notices), f"{t.trigger}: unknown audience")
        for f in self.fields:
            _require(f.kind in FIELD_KINDS, f"field {f.name!r}: kind {f.kind!r} is not one of {FIELD_KINDS}")
            _require(f.kind != "choice" or f.choices, f"field {f.name!r}: a choice needs its choices")
        for t in self.transitions:
            for spec in t.inputs:
                _require(
                    spec.kind in INPUT_KINDS,
                    f"{t.trigger} input {spec.name!r}: kind {spec.kind!r} is not one of {INPUT_KINDS}",
                )
            if any(spec.working_day for spec in t.inputs):
                _require(
                    any(i.name == CONFIRM_DAY_OFF and i.kind == "bool" and not i.required for i in t.inputs),
                    f"{t.trigger}: a working-day date needs the optional bool input {CONFIRM_DAY_OFF!r}",
                )
        by_state = {name: tuple(t for t in self.transitions if name in t.sources) for name in names}
        object.__setattr__(self, "_by_state", by_state)
        # name -> state and trigger -> transition: fire() and every page row look these up
        object.__setattr__(self, "_states", {s.name: s for s in self.states})
        object.__setattr__(self, "_by_trigger", {t.trigger: t for t in self.transitions})
        # (state, role) -> transitions that role may fire there: pages ask this for every row
        roles = {r for t in self.transitions for r in t.roles}
        object.__setattr__(
            self,
            "_by_state_role",
            {(name, role): tuple(t for t in by_state[name] if role in t.roles) for name in names for role in roles},
        )

    def state(self, name: str) -> State:
        return self._states[name]

    def tagged(self, tag: str) -> tuple[str, ...]:
        """The states carrying `tag` (see StateTag), in declaration order."""
        return tuple(s.name for s in self.states if tag in s.tags)

    def has_tag(self, state: str, tag: str) -> bool:
        return tag in self._states[state].tags

    def transition(self, trigger: str) -> Transition | None:
        return self._by_trigger.get(trigger)

    def transitions_from(self, state: str) -> tuple[Transition, ...]:
        return self._by_state.get(state, ())

    def transitions_for(self, state: str, role: str) -> tuple[Transition, ...]:
        return self._by_state_role.get((state, role), ())

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The clock's stages its transitions start, each once, in declaration order."""
        found = {t.stage.name: t.stage for t in self.transitions if t.stage is not None}
        return tuple(found.values())

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)

    def document_kind(self, name: str) -> DocumentKind | None:
        return next((k for k in self.document_kinds if k.name == name), None)

    def required_documents_for(self, details: dict | None) -> tuple[tuple[str, ...], ...]:
        variant = (details or {}).get(self.variant_field) if self.variant_field else None
        return self.required_documents + tuple(self.variant_documents.get(variant, ()))

    def intake_field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def identity_withheld(self, details: dict | None) -> bool:
        """The applicant asked that their identity stay confidential (confidential_field)."""
        return bool(self.confidential_field and (details or {}).get(self.confidential_field))

    def is_confidential(self, details: dict | None) -> bool:
        """A confidential matter: the process's files always, or this applicant asked."""
        return self.confidential or self.identity_withheld(details)

    @property
    def sensitive_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.sensitive)
