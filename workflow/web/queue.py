"""The work queue (staff) and "my requests" (drafters): its filter, its order and its rows.

A list page of 25-50 rows is the page users open most, so it is built for speed without keeping
any state between requests: the filter is read from the query string by hand (no WTForms object
for a GET), its options are limited to what the user can see, the rows come as plain columns in one
statement (queries.queue_page), every deadline and age of the page from one pass over the calendar,
and each row's labels are worked out here, so the template only prints strings. The labels of the
definitions are looked up once per language (they are frozen at import; nothing read from the
database is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from flask import request, url_for
from markupsafe import Markup
from sqlalchemy import bindparam, literal, select, union_all

from ..catalogue import enabled_processes, processes_filed_by
from ..engine.calendar import WorkingCalendar, current_deadline
from ..engine.definition import N_, Phase
from ..engine.machine import allowed_triggers, is_exit
from ..extensions import db
from ..i18n import _current, _format_day
from ..models import MAX_ID, Organisation, User
from ..processes import PROCESSES
from ..queries import DEFAULT_SORT, QUEUE_SORTS
from ..stats.dashboard import DUE_SOON_WORKING_DAYS

FLAGS = ("mine", "overdue", "due_soon", "waiting")  # staff's check boxes: any value but "" or "false" is on
SELECTS = ("process_type", "phase", "state", "organisation_id", "assignee_id")


@dataclass
class QueueFilter:
    """What the query string asks for, kept to what this user may choose."""

    q: str = ""
    chosen: dict = field(default_factory=dict)  # select name -> the chosen value ("" for all)
    flags: dict = field(default_factory=dict)  # flag name -> on
    options: dict = field(default_factory=dict)  # select name -> [(value, label)], without "all"
    option_tags: dict = field(default_factory=dict)  # select name -> its <option>s, the chosen one selected
    before: int | None = None
    sort: str = DEFAULT_SORT[0]
    direction: str = DEFAULT_SORT[1]
    sorted_by_user: bool = False  # the query string named a valid sort


@lru_cache(maxsize=64)
def _definition_options(locale: str, names: tuple[str, ...]) -> tuple[tuple, tuple, tuple]:
    """(processes, phases, states) as (value, label) options in `locale`; states by label. Built
    from the frozen definitions only."""
    translate = _current()[1].ugettext
    processes = tuple((n, translate(PROCESSES[n].label)) for n in names)
    phases = tuple((p.value, translate(p.label)) for p in Phase)
    states = {s.name: translate(s.label) for n in names for s in PROCESSES[n].states}
    return processes, phases, tuple(sorted(states.items(), key=lambda kv: kv[1]))


def _people_statement():
    """The office's applicant organisations and active drafters (officers, the head), by name, in
    one statement: two filters' options. Built once; the office is its parameter."""
    office = bindparam("office_id")
    organisations = select(literal("o").label("kind"), Organisation.id, Organisation.name).where(
        Organisation.office_id == office
    )
    staff = select(literal("s"), User.id, User.name).where(
        User.office_id == office, User.role.in_(("officer", "head")), User.active.is_(True)
    )
    both = union_all(organisations, staff).subquery()
    return select(both).order_by(both.c.kind, both.c.name)


PEOPLE = _people_statement()


def _people_options(office_id: int) -> tuple[list, list]:
    rows = db.session.connection().execute(PEOPLE, {"office_id": office_id}).all()  # plain rows: no ORM layer
    return [(str(i), n) for k, i, n in rows if k == "o"], [(str(i), n) for k, i, n in rows if k == "s"]


def read_filter(user) -> QueueFilter:
    args = request.args
    f = QueueFilter(q=(args.get("q") or "").strip()[:200])
    if user.is_office_account:
        names = tuple(p.name for p in enabled_processes(user.office))
    else:
        names = tuple(p.name for p in processes_filed_by(user.office, user.organisation))
    locale = str(_current()[0] or "id")
    processes, phases, states = _definition_options(locale, names)
    f.options = {"process_type": processes, "phase": phases, "state": states}
    if user.is_office_account:
        f.options["organisation_id"], f.options["assignee_id"] = _people_options(user.office_id)
        f.flags = {name: args.get(name, "") not in ("", "false") for name in FLAGS}
    for name, options in f.options.items():
        value = args.get(name, "")
        f.chosen[name] = value if value and any(value == v for v, _label in options) else ""  # else ignored
        tags = _frozen_option_tags if isinstance(options, tuple) else option_tags
        f.option_tags[name] = tags(options, f.chosen[name])
    before = args.get("before", type=int)
    f.before = before if before and 0 < before <= MAX_ID else None  # older than this id
    sort, direction = args.get("sort"), args.get("dir")
    if sort in QUEUE_SORTS:
        f.sort, f.sorted_by_user = sort, True
        f.direction = direction if direction in ("asc", "desc") else QUEUE_SORTS[sort][1]
    return f


@lru_cache(maxsize=512)
def _frozen_option_tags(options: tuple, chosen: str) -> Markup:
    """option_tags() of the definitions' options (processes, phases, states: tuples built once per
    language from the frozen definitions), kept per chosen value (one of them or ""). Options read
    from the database (organisations, staff) are lists, drawn anew for every page."""
    return option_tags(options, chosen)


def option_tags(options, chosen: str) -> Markup:
    """A select's <option>s, drawn here rather than by a template loop: the state filter alone
    has some fifty options, and a loop pays Jinja's escape and lookups for each."""
    return Markup(
        "".join(
            f'<option value="{html(v)}"{" selected" if v == chosen else ""}>{html(label)}</option>'
            for v, label in options
        )
    )


def query_arguments(f: QueueFilter, user, today: date, calendar_of) -> dict:
    """The arguments of queries.filtered_requests() the filter gives (the page and its exports
    show the same rows). `calendar_of()` gives the office's calendar, read only when needed."""
    args = {
        "q": f.q or None,
        "process": f.chosen["process_type"] or None,
        "phase": f.chosen["phase"] or None,
        "state": f.chosen["state"] or None,
        "before": f.before,
    }
    if user.is_office_account:
        organisation, assignee = f.chosen["organisation_id"], f.chosen["assignee_id"]
        args["organisation_id"] = int(organisation) if organisation else None
        args["assignee_id"] = user.id if f.flags["mine"] else (int(assignee) if assignee else None)
        args["overdue"] = f.flags["overdue"]
        args["waiting"] = f.flags["waiting"]
        if f.flags["due_soon"]:
            args["due_soon_until"] = calendar_of().add_working_days(today, DUE_SOON_WORKING_DAYS)
    return args


def html(text: str) -> str:
    """`text` escaped for HTML, as markupsafe.escape writes it, as a plain string: the rows are
    printed with autoescaping off (templates/cases/index.html), each text escaped once here. A
    50-row page has some 600 values; Jinja's autoescape wraps each in a Markup object (about a
    sixth of the page's CPU time)."""
    return (
        text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")
    )


@lru_cache(maxsize=16)
def _labels(locale: str) -> dict:
    """Every label a row may show, in `locale`, keyed by what a row holds: ("p", process),
    ("s", process, state), ("t", process, trigger) (None for the applicant's ways out), and the
    page's fixed words. Built from the frozen definitions and the catalogue only; escaped for
    HTML (see html())."""
    ugettext = _current()[1].ugettext

    def translate(text):
        return html(ugettext(text))

    labels = {}
    for p in PROCESSES.values():
        labels["p", p.name] = translate(p.label)
        for s in p.states:
            labels["s", p.name, s.name] = translate(s.label)
            labels["f", p.name, s.name] = translate(N_("Selesai") if s.final else N_("Menunggu pihak lain"))
        for t in p.transitions:
            labels["t", p.name, t.trigger] = None if is_exit(p, t) else translate(t.label)
        for stage in p.stages:  # the office's clock runs for a stage (the administrative check)
            labels["stage", p.name, stage.name] = translate(stage.label).lower()
    for key, text in WORDS.items():
        labels[key] = translate(text)
    return labels


WORDS = {
    "individual": N_("Pemohon perorangan"),
    "overdue": N_("lewat tenggat"),
    "paused": N_("dihentikan sementara"),
    "applicant deadline": N_("batas waktu perbaikan"),
    "today": N_("hari ini"),
    "days left": N_("%(days)s hari kerja lagi"),
    "deadline": N_("Tenggat"),
}


# the colours of urgency: a badge's, a row's
OVERDUE, DUE_SOON, PAUSED = "text-bg-danger", "text-bg-warning", "text-bg-info"
OVERDUE_ROW, DUE_SOON_ROW = "table-danger border-danger", "table-warning border-warning"


class Row:
    """One line of the list, every word of it ready to print: escaped for HTML (see html()), and
    the row drawn as `html`."""

    __slots__ = (
        "id",
        "link",
        "number",
        "title",
        "process",
        "organisation",
        "status",
        "received",
        "age",
        "deadline",
        "deadline_note",
        "badge",
        "badge_text",
        "urgency",
        "next_step",
        "waiting",
        "html",
    )


# A row of the table (templates/cases/index.html prints them), drawn here rather than by a template
# loop, as the filter's options are: the loop paid Jinja's attribute lookup and output step for
# each of some 15 values and 6 conditions a row (about 2,000 a page). Every value is escaped.
ROW_HTML = (
    "<tr{urgency}>\n"
    '    <td><a href="{link}">{number}</a><div>{title}</div><div class="small text-muted">{process}</div></td>\n'
    "    {organisation}"
    '<td><span class="badge text-bg-secondary text-wrap text-start">{status}</span></td>\n'
    '    <td class="d-none d-md-table-cell">{received}</td>\n'
    '    <td><span class="d-md-none text-muted small">{deadline_word}: </span>{deadline}{deadline_note}{badge}</td>\n'
    '    <td class="d-none d-md-table-cell{waiting}">{next_step}</td>\n'
    "  </tr>\n"
)


def row_html(row: Row, staff: bool, deadline_word: str) -> str:
    return ROW_HTML.format(
        urgency=f' class="{row.urgency}"' if row.urgency else "",
        link=row.link,
        number=row.number,
        title=row.title,
        process=row.process,
        organisation=f'<td class="d-none d-md-table-cell">{row.organisation}</td>\n    ' if staff else "",
        status=row.status,
        received=(
            f'<span class="text-nowrap">{row.received}</span><div class="small text-muted">{row.age}</div>'
            if row.received
            else "—"
        ),
        deadline_word=deadline_word,
        deadline=f'<span class="text-nowrap">{row.deadline}</span>' if row.deadline else "—",
        deadline_note=f'<div class="small text-muted">{row.deadline_note}</div>' if row.deadline_note else "",
        badge=f' <span class="badge {row.badge}">{row.badge_text}</span>' if row.badge else "",
        waiting=" text-muted" if row.waiting else "",
        next_step=row.next_step,
    )


def rows_of(items, user, today: date, calendar: WorkingCalendar) -> list[Row]:
    """The page's rows from queries.queue_page()'s items: labels, the deadline with its badge and
    colour (overdue; due within DUE_SOON_WORKING_DAYS working days), the age in working days, the
    next step (what moves the file forward: never the applicant's way out); each drawn as its
    table row (`html`)."""
    babel_locale, catalogue = _current()
    locale = str(babel_locale or "id")
    labels = _labels(locale)
    ungettext = catalogue.ungettext
    link = url_for("cases.detail", request_id=1)[:-1]
    days = {today}
    days.update(r.due_date for r in items if r.due_date and r.clock_unit == "working")
    days.update(r.received_on for r in items if r.received_on)
    number = calendar.working_day_numbers(days)
    now = number[today]
    staff = user.is_office_account  # the organisation's column
    rows = []
    for r in items:
        process = PROCESSES[r.process]
        row = Row()
        row.id, row.number, row.title = r.id, html(r.number), html(r.title)
        row.link = f"{link}{r.id}"
        row.process = labels["p", r.process]
        row.organisation = html(r.organisation_name) if r.organisation_name else labels["individual"]
        row.status = labels["s", r.process, r.state]
        if r.received_on is None:
            row.received = row.age = None
        else:
            row.received = html(_format_day(r.received_on, "d MMM y", locale))
            ago = now - number[r.received_on]
            row.age = (
                labels["today"]
                if ago <= 0
                else html(ungettext("%(num)s hari kerja lalu", "%(num)s hari kerja lalu", ago) % {"num": ago})
            )
        deadline, kind = current_deadline(r, process)
        row.deadline = html(_format_day(deadline, "d MMMM y", locale)) if deadline else None
        if kind == "applicant":
            row.deadline_note = labels["applicant deadline"]
        else:
            row.deadline_note = labels.get(("stage", r.process, r.clock_stage)) if r.clock_stage else None
        row.badge = row.badge_text = row.urgency = None
        if kind == "applicant":
            if deadline < today:
                row.badge, row.badge_text, row.urgency = OVERDUE, labels["overdue"], OVERDUE_ROW
        elif kind == "office":
            if r.clock_paused_on is not None:
                row.badge, row.badge_text = PAUSED, labels["paused"]
            elif r.clock_stopped_on is None:
                if r.clock_unit == "working":
                    left = number[r.due_date] - now
                else:  # a clock in calendar days or months counts down in calendar days
                    left = (r.due_date - today).days
                if left < 0:
                    row.badge, row.badge_text, row.urgency = OVERDUE, labels["overdue"], OVERDUE_ROW
                elif left <= DUE_SOON_WORKING_DAYS:
                    row.badge, row.badge_text, row.urgency = (
                        DUE_SOON,
                        labels["days left"] % {"days": left},
                        DUE_SOON_ROW,
                    )
        steps = [labels["t", r.process, t] for t in allowed_triggers(process, r, user, today)]
        steps = [s for s in steps if s]
        row.next_step = ", ".join(steps) if steps else labels["f", r.process, r.state]
        row.waiting = not steps
        row.html = row_html(row, staff, labels["deadline"])
        rows.append(row)
    return rows


def sort_links(f: QueueFilter, args: dict) -> dict:
    """Each sortable column's link (a click on the current sort turns its direction round), its
    arrow and its aria-sort value. The links keep every other parameter of the query string."""
    base = url_for("cases.index")
    links = {}
    for name, (_key, first) in QUEUE_SORTS.items():
        current = name == f.sort
        direction = ("asc" if f.direction == "desc" else "desc") if current else first
        links[name] = (
            f"{base}?{urlencode({**args, 'sort': name, 'dir': direction})}",
            ("▲" if f.direction == "asc" else "▼") if current else "",
            ("ascending" if f.direction == "asc" else "descending") if current else "none",
        )
    return links
