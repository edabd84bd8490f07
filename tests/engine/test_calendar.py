"""Working days and the SLA clock (DOMAIN.md section 3; the time limit of section 1).

The expected dates are written out by hand from the 2026 joint decree (SKB 3 Menteri) as the
`holidays` package reports it: 17 national holidays and 8 cuti bersama days. March 2026 around
Nyepi and Idul Fitri:

    Mo Tu We Th Fr Sa Su
    16 17 18 19 20 21 22      18 cuti Nyepi, 19 Nyepi, 20 cuti Idul Fitri, 21-22 Idul Fitri
    23 24 25 26 27 28 29      23, 24 cuti Idul Fitri
    30 31  1  2  3  4  5      3 April Wafat Yesus Kristus, 5 April Paskah

The clock is driven through `fire(..., now=...)` with naive UTC moments; the office (Kanwil NTT)
keeps WITA, UTC+8, so 16:00 UTC is already the next local day.
"""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from workflow.engine.calendar import Override, WorkingCalendar, national_holidays
from workflow.extensions import db
from workflow.models import Event, HolidayOverride, Office, Request, User
from workflow.operations.calendar import office_calendar
from workflow.operations.transitions import fire

from ..helpers import REQUIRED, final_minutes, force_state, submitted_request, user

CAL = WorkingCalendar()

# Every non-working day of 2026 other than plain weekends: holidays (H) and cuti bersama (CB).
NON_WORKING_2026 = [
    (date(2026, 1, 1), "Tahun Baru Masehi"),  # H  Thu
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad"),  # H  Fri
    (date(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek"),  # CB Mon
    (date(2026, 2, 17), "Tahun Baru Imlek"),  # H  Tue
    (date(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi"),  # CB Wed
    (date(2026, 3, 19), "Hari Suci Nyepi"),  # H  Thu
    (date(2026, 3, 20), "Cuti Bersama Hari Raya Idul Fitri"),  # CB Fri
    (date(2026, 3, 21), "Hari Raya Idul Fitri"),  # H  Sat
    (date(2026, 3, 22), "Hari kedua dari Hari Raya Idul Fitri"),  # H  Sun
    (date(2026, 3, 23), "Cuti Bersama Hari Raya Idul Fitri"),  # CB Mon
    (date(2026, 3, 24), "Cuti Bersama Hari Raya Idul Fitri"),  # CB Tue
    (date(2026, 4, 3), "Wafat Yesus Kristus"),  # H  Fri
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus"),  # H  Sun
    (date(2026, 5, 1), "Hari Buruh Internasional"),  # H  Fri
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),  # H  Thu
    (date(2026, 5, 15), "Cuti Bersama Kenaikan Yesus Kristus"),  # CB Fri
    (date(2026, 5, 27), "Hari Raya Idul Adha"),  # H  Wed
    (date(2026, 5, 28), "Cuti Bersama Hari Raya Idul Adha"),  # CB Thu
    (date(2026, 5, 31), "Hari Raya Waisak"),  # H  Sun
    (date(2026, 6, 1), "Hari Lahir Pancasila"),  # H  Mon
    (date(2026, 6, 16), "Tahun Baru Islam"),  # H  Tue
    (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),  # H  Mon
    (date(2026, 8, 25), "Maulid Nabi Muhammad"),  # H  Tue
    (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),  # CB Thu
    (date(2026, 12, 25), "Hari Raya Natal"),  # H  Fri
]


# --- the national calendar ------------------------------------------------------------------


def test_2026_has_17_holidays_and_8_cuti_bersama_days():
    assert CAL.non_working_days(2026) == NON_WORKING_2026
    assert national_holidays(2026) == dict(NON_WORKING_2026)
    cuti = [d for d, name in NON_WORKING_2026 if name.startswith("Cuti Bersama")]
    assert len(cuti) == 8
    assert len(NON_WORKING_2026) - len(cuti) == 17


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 3, 17), True),  # Tuesday before Nyepi
        (date(2026, 3, 18), False),  # cuti bersama Nyepi
        (date(2026, 3, 20), False),  # cuti bersama Idul Fitri (a Friday)
        (date(2026, 3, 21), False),  # Saturday, Idul Fitri
        (date(2026, 3, 24), False),  # cuti bersama Idul Fitri (a Tuesday)
        (date(2026, 3, 25), True),  # first working day after Lebaran
        (date(2026, 3, 28), False),  # plain Saturday
        (date(2026, 3, 29), False),  # plain Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 8, 17), False),  # Independence Day, a Monday
        (date(2026, 12, 24), False),  # cuti bersama Natal
        (date(2026, 12, 28), True),
        (date(2027, 1, 1), False),  # New Year 2027, a Friday
        (date(2027, 1, 4), True),
        (date(2027, 1, 5), False),  # Isra Mikraj 2027
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_holiday_names_are_indonesian():
    assert CAL.holiday_name(date(2026, 3, 20)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert CAL.holiday_name(date(2026, 3, 25)) is None
    assert CAL.holiday_name(date(2026, 3, 28)) is None  # a weekend is no holiday by name


# --- add_working_days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, due",
    [
        # Idul Fitri: 18, 19, 20, (21, 22), 23, 24 March are all closed -> 25, 26, 27, 30, 31
        (date(2026, 3, 17), 5, date(2026, 3, 31)),
        (date(2026, 3, 17), 1, date(2026, 3, 25)),
        # the start day itself never counts: from Monday 16 March, 17 is the first working day
        (date(2026, 3, 16), 5, date(2026, 3, 30)),
        # starting on a holiday or a weekend day: the next working day is day 1
        (date(2026, 3, 19), 1, date(2026, 3, 25)),
        (date(2026, 3, 21), 1, date(2026, 3, 25)),
        # 0 days: the start day itself
        (date(2026, 3, 21), 0, date(2026, 3, 21)),
        # weekends
        (date(2026, 1, 9), 1, date(2026, 1, 12)),  # Friday -> Monday
        (date(2026, 1, 10), 1, date(2026, 1, 12)),  # Saturday -> Monday
        (date(2026, 1, 11), 5, date(2026, 1, 19)),  # 12-15, Isra Mikraj 16, 19
        # Imlek: 13 (Fri), cuti 16, Imlek 17, 18
        (date(2026, 2, 12), 2, date(2026, 2, 18)),
        # Kenaikan 14 May + cuti 15 May
        (date(2026, 5, 13), 3, date(2026, 5, 20)),
        # Idul Adha 27 May + cuti 28 May, 29 May, Pancasila 1 June, 2, 3 June
        (date(2026, 5, 26), 3, date(2026, 6, 3)),
        # Independence Day on a Monday
        (date(2026, 8, 14), 1, date(2026, 8, 18)),
        # Good Friday
        (date(2026, 4, 2), 1, date(2026, 4, 6)),
    ],
)
def test_add_working_days(start, days, due):
    assert CAL.add_working_days(start, days) == due


@pytest.mark.parametrize(
    "start, days, due",
    [
        # Natal 24 (cuti) and 25 December, weekend, 28-31 December, New Year, weekend, 4 January
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        # ... and Isra Mikraj on Tuesday 5 January 2027: the 2027 calendar applies
        (date(2026, 12, 23), 6, date(2027, 1, 6)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 12, 22), 1, date(2026, 12, 23)),
        (date(2026, 12, 22), 2, date(2026, 12, 28)),
    ],
)
def test_add_working_days_across_the_year_boundary(start, days, due):
    assert CAL.add_working_days(start, days) == due


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 17), -1)


# --- working_days_between -------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, count",
    [
        (date(2026, 3, 17), date(2026, 3, 31), 5),
        (date(2026, 3, 17), date(2026, 3, 24), 0),  # all of Nyepi and Lebaran
        (date(2026, 3, 17), date(2026, 3, 25), 1),
        (date(2026, 3, 25), date(2026, 3, 31), 4),  # the start day is excluded, the end day included
        (date(2026, 3, 31), date(2026, 3, 31), 0),
        (date(2026, 3, 31), date(2026, 3, 17), 0),  # end before start
        (date(2026, 12, 23), date(2027, 1, 6), 6),
    ],
)
def test_working_days_between(start, end, count):
    assert CAL.working_days_between(start, end) == count


def test_working_days_between_is_the_inverse_of_add_working_days():
    day = date(2026, 3, 1)
    while day < date(2026, 4, 15):
        for n in (0, 1, 3, 5, 10):
            assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n
        day = date.fromordinal(day.toordinal() + 1)


def test_working_days_in_2026():
    # 261 weekdays in 2026 (52 weeks and one Thursday); 4 of the 25 non-working days fall on a
    # weekend anyway, so 21 weekdays are lost.
    weekend = [d for d, _ in NON_WORKING_2026 if d.weekday() >= 5]
    assert weekend == [date(2026, 3, 21), date(2026, 3, 22), date(2026, 4, 5), date(2026, 5, 31)]
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 21


DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=DAYS, end=DAYS, overrides=st.dictionaries(DAYS, st.booleans(), max_size=6))
def test_working_days_between_counts_what_a_day_by_day_walk_counts(start, end, overrides):
    """working_days_between counts by whole weeks and then corrects for holidays and overrides;
    a walk over every day is the obviously right answer it must agree with."""
    cal = WorkingCalendar({day: Override(working, "uji") for day, working in overrides.items()})
    walked, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        walked += cal.is_working_day(day)
    assert cal.working_days_between(start, end) == walked


# --- overrides ------------------------------------------------------------------------------

CLOSED_26_MARCH = {date(2026, 3, 26): Override(False, "Kantor tutup: pemadaman listrik")}
OPEN_24_MARCH = {date(2026, 3, 24): Override(True, "Pelayanan tetap buka")}


def test_an_ad_hoc_closure_adds_a_non_working_day():
    cal = WorkingCalendar(CLOSED_26_MARCH)
    assert not cal.is_working_day(date(2026, 3, 26))
    # 25, (26 closed), 27, 30, 31, 1 April
    assert cal.add_working_days(date(2026, 3, 17), 5) == date(2026, 4, 1)
    assert cal.working_days_between(date(2026, 3, 17), date(2026, 3, 31)) == 4
    days = cal.non_working_days(2026)
    assert len(days) == 26
    assert (date(2026, 3, 26), "Kantor tutup: pemadaman listrik") in days
    assert days == sorted(days)
    # the national calendar itself is untouched
    assert CAL.add_working_days(date(2026, 3, 17), 5) == date(2026, 3, 31)


def test_a_working_override_removes_a_holiday():
    cal = WorkingCalendar(OPEN_24_MARCH)
    assert cal.is_working_day(date(2026, 3, 24))
    # 24 (worked), 25, 26, 27, 30
    assert cal.add_working_days(date(2026, 3, 17), 5) == date(2026, 3, 30)
    days = cal.non_working_days(2026)
    assert len(days) == 24
    assert date(2026, 3, 24) not in dict(days)
    assert date(2026, 3, 23) in dict(days)


def test_a_working_override_can_open_a_saturday():
    cal = WorkingCalendar({date(2026, 3, 28): Override(True, "Pelayanan akhir pekan")})
    # 25, 26, 27, 28 (Saturday, worked), 30
    assert cal.add_working_days(date(2026, 3, 17), 5) == date(2026, 3, 30)
    assert cal.non_working_days(2026) == NON_WORKING_2026  # weekends are never listed anyway


def test_overrides_apply_only_to_their_own_year_in_the_listing():
    cal = WorkingCalendar(
        {
            date(2027, 1, 4): Override(False, "Kantor tutup: banjir"),
            date(2026, 12, 24): Override(True, "Pelayanan tetap buka"),
        }
    )
    assert date(2027, 1, 4) not in dict(cal.non_working_days(2026))
    assert date(2026, 12, 24) not in dict(cal.non_working_days(2026))
    assert (date(2027, 1, 4), "Kantor tutup: banjir") in cal.non_working_days(2027)
    # 24 December worked, 25 closed, 28-31, 1 January closed, 4 January closed, 5 closed, 6
    assert cal.add_working_days(date(2026, 12, 23), 6) == date(2027, 1, 6)
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)


# --- the clock through the engine -----------------------------------------------------------


def clock_of(req) -> dict:
    return {
        "state": req.state,
        "due_date": req.due_date,
        "clock_paused": req.clock_paused,
        "clock_started_on": req.clock_started_on,
        "clock_paused_on": req.clock_paused_on,
        "clock_remaining_days": req.clock_remaining_days,
        "time_limit_days": req.time_limit_days,
    }


def fire_at(app, request_id, trigger, alias, when, comment=None, **data):
    """Fire `trigger` at the UTC moment `when`, commit; return (event data, request clock)."""
    with app.app_context():
        req = db.session.get(Request, request_id)
        event = fire(req, trigger, user(alias), version=req.version, comment=comment, data=data, now=when)
        db.session.commit()
        stored = db.session.scalar(select(Event).where(Event.id == event.id))
        assert stored.trigger == trigger and stored.created_at == when
        return stored.data, clock_of(req)


def last_event(app, request_id):
    with app.app_context():
        return db.session.scalar(
            select(Event).where(Event.request_id == request_id).order_by(Event.seq.desc()).limit(1)
        )


def submitted_at(api, when, process="ranperda"):
    """A request of Kota Kupang with every required document, submitted at the UTC moment `when`
    (the administrative check's deadline runs from there)."""
    drafter = api.as_("drafter")
    req = drafter.create(process)
    for kind in REQUIRED[process]:
        drafter.ok(drafter.upload(req["id"], kind), 201)
    fire_at(api.app, req["id"], "submit", "drafter", when)
    return req


def add_override(app, day, working, reason):
    with app.app_context():
        office_id = user("officer").office_id
        db.session.add(HolidayOverride(office_id=office_id, day=day, working=working, reason=reason))
        db.session.commit()


@pytest.mark.parametrize(
    "when, local_day, due",
    [
        (datetime(2026, 3, 16, 1, 0), date(2026, 3, 16), date(2026, 3, 30)),  # 09:00 WITA
        (datetime(2026, 3, 16, 15, 59), date(2026, 3, 16), date(2026, 3, 30)),  # 23:59 WITA
        (datetime(2026, 3, 16, 16, 0), date(2026, 3, 17), date(2026, 3, 31)),  # 00:00 WITA, 17 March
        (datetime(2026, 3, 16, 23, 30), date(2026, 3, 17), date(2026, 3, 31)),  # 07:30 WITA, 17 March
        # a Thursday evening in UTC is Friday 9 January in Kupang: 12-15, Isra Mikraj 16, 19
        (datetime(2026, 1, 8, 16, 30), date(2026, 1, 9), date(2026, 1, 19)),
    ],
)
def test_declared_complete_starts_five_working_days_from_the_next_working_day(api, when, local_day, due):
    req = submitted_at(api, when)
    check_due = WorkingCalendar().add_working_days(local_day, 3)  # the administrative check's, ended here
    data, clock = fire_at(api.app, req["id"], "declare_complete", "officer", when)
    assert clock["state"] == "verified"
    assert clock["clock_started_on"] == local_day
    assert clock["due_date"] == due
    assert clock["time_limit_days"] == 5
    assert clock["clock_paused"] is False
    assert data["clock"] == {"due_date_before": check_due.isoformat(), "due_date_after": due.isoformat()}
    shown = api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{req['id']}"))
    assert shown["due_date"] == due.isoformat() and shown["clock_paused"] is False
    assert shown["due_date_kind"] == "office"


def test_an_office_closure_moves_the_due_date(api):
    add_override(api.app, date(2026, 3, 26), False, "Kantor tutup: pemadaman listrik")
    req = submitted_request(api)
    _, clock = fire_at(api.app, req["id"], "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    assert clock["due_date"] == date(2026, 4, 1)  # 25, (26), 27, 30, 31, 1 April


def test_the_administrative_check_has_its_own_deadline_paused_while_returned(api):
    """3 working days from submission (issue 12); a return pauses it and the resubmission resumes
    it, as the review clock; "declared complete" starts the process's own 5 working days."""
    # submitted on Tuesday 3 February (local): due Friday 6 February
    req = submitted_at(api, datetime(2026, 2, 3, 2, 0))
    drafter = api.as_("drafter")
    shown = drafter.ok(drafter.get(f"/requests/{req['id']}"))
    assert (shown["due_date"], shown["due_date_kind"]) == ("2026-02-06", "administrative_check")
    assert shown["clock_paused"] is False
    # returned on Wednesday 4 February: 5, 6 remain
    data, clock = fire_at(
        api.app,
        req["id"],
        "return_for_completion",
        "officer",
        datetime(2026, 2, 4, 2, 0),
        comment="SK tim penyusun belum ditandatangani",
    )
    assert data["completion_round"] == 1
    assert data["clock"] == {
        "due_date_before": "2026-02-06",
        "due_date_after": "2026-02-06",
        "remaining_working_days": 2,
    }
    assert clock["clock_paused"] is True
    # resubmitted on Monday 9 February: the two days left, 10 and 11
    data, clock = fire_at(api.app, req["id"], "resubmit", "drafter", datetime(2026, 2, 9, 2, 0))
    assert data["clock"] == {"due_date_before": "2026-02-06", "due_date_after": "2026-02-11"}
    assert clock["due_date"] == date(2026, 2, 11) and clock["clock_paused"] is False
    # declared complete on Wednesday 11 February: the process's own clock starts afresh (12, 13,
    # then cuti bersama and Imlek 16-17, 18, 19, 20)
    data, clock = fire_at(api.app, req["id"], "declare_complete", "officer", datetime(2026, 2, 10, 23, 30))
    assert clock["due_date"] == date(2026, 2, 20) and clock["time_limit_days"] == 5
    assert drafter.ok(drafter.get(f"/requests/{req['id']}"))["due_date_kind"] == "office"


def test_an_office_sets_its_own_administrative_check(api):
    with api.app.app_context():
        office = db.session.get(Office, user("officer").office_id)
        before = dict(office.settings or {})
        office.settings = {**before, "stages": {"ranperda": {"administrative_check": 5}}}
        db.session.commit()
    try:
        req = submitted_at(api, datetime(2026, 2, 3, 2, 0))  # Tuesday: 4, 5, 6, 9, 10
        shown = api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{req['id']}"))
        assert shown["due_date"] == "2026-02-10"
        # a Ranperkada keeps the default
        other = submitted_at(api, datetime(2026, 2, 3, 2, 0), process="ranperkada")
        assert api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{other['id']}"))["due_date"] == "2026-02-06"
    finally:
        with api.app.app_context():
            office = db.session.get(Office, user("officer").office_id)
            office.settings = before
            db.session.commit()


def test_pause_during_review_and_resume_after_resubmission(api):
    app = api.app
    # the check's deadline: 17 March, then cuti bersama, Nyepi and Idul Fitri (18-24 March), 25, 26
    req = submitted_at(api, datetime(2026, 3, 16, 2, 0))
    rid = req["id"]
    # declared complete on Tuesday 17 March (local): due 31 March
    _, clock = fire_at(app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    assert clock["due_date"] == date(2026, 3, 31)
    with app.app_context():
        officer_id = user("officer").id
    data, clock = fire_at(app, rid, "assign", "head", datetime(2026, 3, 25, 1, 0), assignees=[officer_id])
    assert "clock" not in data and clock["due_date"] == date(2026, 3, 31)

    # returned on Thursday 26 March: 27, 30, 31 remain; the due date is kept while paused
    data, clock = fire_at(
        app,
        rid,
        "return_for_completion",
        "officer",
        datetime(2026, 3, 26, 2, 0),
        comment="Naskah akademik belum memuat kajian dampak",
    )
    assert clock["state"] == "returned"
    assert clock["clock_paused"] is True and clock["clock_paused_on"] == date(2026, 3, 26)
    assert clock["clock_remaining_days"] == 3
    assert clock["due_date"] == date(2026, 3, 31)
    assert data["clock"] == {
        "due_date_before": "2026-03-31",
        "due_date_after": "2026-03-31",
        "remaining_working_days": 3,
    }
    drafter = api.as_("drafter")
    shown = drafter.ok(drafter.get(f"/requests/{rid}"))
    assert shown["clock_paused"] is True and shown["due_date"] == "2026-03-31"
    assert shown["working_days_left"] == 3

    # resubmitted at 00:30 WITA on Thursday 2 April (still 1 April in UTC): Good Friday 3 April,
    # then 6, 7, 8 April
    data, clock = fire_at(app, rid, "resubmit", "drafter", datetime(2026, 4, 1, 16, 30))
    assert clock["state"] == "submitted"
    assert clock["clock_paused"] is False and clock["clock_remaining_days"] is None
    assert clock["due_date"] == date(2026, 4, 8)
    assert clock["clock_started_on"] == date(2026, 3, 17)
    assert data["clock"] == {"due_date_before": "2026-03-31", "due_date_after": "2026-04-08"}

    # declared complete again: the running clock is not restarted
    data, clock = fire_at(app, rid, "declare_complete", "officer", datetime(2026, 4, 2, 3, 0))
    assert "clock" not in data
    assert clock["due_date"] == date(2026, 4, 8) and clock["clock_started_on"] == date(2026, 3, 17)

    # extended by the head by 2 working days: 9, 10 April
    data, clock = fire_at(
        app,
        rid,
        "extend_deadline",
        "head",
        datetime(2026, 4, 2, 4, 0),
        comment="Rancangan kompleks, perlu telaah tambahan",
        days=2,
    )
    assert clock["state"] == "verified"
    assert clock["due_date"] == date(2026, 4, 10) and clock["time_limit_days"] == 7
    assert data == {"days": 2, "clock": {"due_date_before": "2026-04-08", "due_date_after": "2026-04-10"}}
    ev = last_event(app, rid)
    assert ev.from_state == ev.to_state == "verified"
    assert ev.comment == "Rancangan kompleks, perlu telaah tambahan"

    # every shift of the due date is explainable from the events alone
    with app.app_context():
        shifts = [
            (e.trigger, e.data["clock"]["due_date_before"], e.data["clock"]["due_date_after"])
            for e in db.session.scalars(select(Event).where(Event.request_id == rid).order_by(Event.seq))
            if "clock" in e.data
        ]
    assert shifts == [
        ("submit", None, "2026-03-26"),  # the administrative check
        ("declare_complete", "2026-03-26", "2026-03-31"),
        ("return_for_completion", "2026-03-31", "2026-03-31"),
        ("resubmit", "2026-03-31", "2026-04-08"),
        ("extend_deadline", "2026-04-08", "2026-04-10"),
    ]


def test_extension_skips_holidays(api):
    req = submitted_request(api)
    rid = req["id"]
    # declared complete on Monday 11 May: 12, 13, (Kenaikan 14, cuti 15), 18, 19, 20
    _, clock = fire_at(api.app, rid, "declare_complete", "officer", datetime(2026, 5, 11, 2, 0))
    assert clock["due_date"] == date(2026, 5, 20)
    # + 4: 21, 22, 25, 26
    _, clock = fire_at(
        api.app,
        rid,
        "extend_deadline",
        "head",
        datetime(2026, 5, 12, 2, 0),
        comment="Rapat lintas sektor diperlukan",
        days=4,
    )
    assert clock["due_date"] == date(2026, 5, 26)
    # + 1: (Idul Adha 27, cuti 28), 29
    data, clock = fire_at(
        api.app,
        rid,
        "extend_deadline",
        "head",
        datetime(2026, 5, 13, 2, 0),
        comment="Menunggu masukan biro hukum provinsi",
        days=1,
    )
    assert clock["due_date"] == date(2026, 5, 29) and clock["time_limit_days"] == 10
    assert data["clock"] == {"due_date_before": "2026-05-26", "due_date_after": "2026-05-29"}


def test_extension_while_paused_adds_to_the_remaining_days(api):
    app = api.app
    req = submitted_request(api)
    rid = req["id"]
    _, clock = fire_at(app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    assert clock["due_date"] == date(2026, 3, 31)
    # returned on Friday 27 March: 30, 31 remain
    _, clock = fire_at(
        app,
        rid,
        "return_for_completion",
        "officer",
        datetime(2026, 3, 27, 1, 0),
        comment="Lampiran rancangan belum lengkap",
    )
    assert clock["clock_remaining_days"] == 2
    # + 3 while paused: 5 remain, the shown due date is still the old one
    data, clock = fire_at(
        app, rid, "extend_deadline", "head", datetime(2026, 3, 30, 2, 0), comment="Rancangan kompleks", days=3
    )
    assert clock["state"] == "returned" and clock["clock_paused"] is True
    assert clock["clock_remaining_days"] == 5 and clock["due_date"] == date(2026, 3, 31)
    assert clock["time_limit_days"] == 8
    assert data == {
        "days": 3,
        "clock": {"due_date_before": "2026-03-31", "due_date_after": "2026-03-31", "remaining_working_days": 5},
    }
    # resubmitted on Monday 6 April: 7, 8, 9, 10, 13
    data, clock = fire_at(app, rid, "resubmit", "drafter", datetime(2026, 4, 6, 1, 0))
    assert clock["due_date"] == date(2026, 4, 13) and clock["clock_paused"] is False
    assert data["clock"] == {"due_date_before": "2026-03-31", "due_date_after": "2026-04-13"}


def test_extension_through_the_api(api):
    head = api.as_("head")
    req = submitted_request(api)
    rid = req["id"]
    fire_at(api.app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))

    r = head.fire(rid, "extend_deadline", days=2)  # no reason given
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "invalid_input"
    assert "comment" in r.get_json()["error"]["details"]
    r = api.as_("officer").fire(rid, "extend_deadline", comment="Rancangan kompleks", days=2)
    assert r.status_code == 403

    shown = head.ok(head.fire(rid, "extend_deadline", comment="Rancangan kompleks", days=2))
    assert shown["due_date"] == "2026-04-02"  # 31 March + 1, 2 April
    events = head.ok(head.get(f"/requests/{rid}/events"))
    assert events[-1]["trigger"] == "extend_deadline"
    assert events[-1]["comment"] == "Rancangan kompleks"
    assert events[-1]["data"] == {"days": 2, "clock": {"due_date_before": "2026-03-31", "due_date_after": "2026-04-02"}}


def test_extension_needs_a_running_clock(api):
    head = api.as_("head")
    drafter = api.as_("drafter")
    req = submitted_at(api, datetime(2026, 3, 10, 2, 0))  # the administrative check runs: 13 March
    # returned, the check pauses: an extension adds to the days left
    api.as_("officer").ok(api.as_("officer").fire(req["id"], "return_for_completion", comment="Kurang SK"))
    shown = head.ok(head.fire(req["id"], "extend_deadline", comment="Pemohon di luar daerah", days=2))
    assert shown["clock_paused"] is True and shown["due_date_kind"] == "administrative_check"
    with api.app.app_context():
        # withdrawn: the clock stops, and no extension after that
        row = db.session.get(Request, req["id"])
        assert row.time_limit_days == 5
    drafter.ok(drafter.fire(req["id"], "withdraw", comment="Ditarik"))
    r = head.fire(req["id"], "extend_deadline", comment="Rancangan kompleks", days=2)
    assert r.status_code == 409


def test_conclusion_stops_the_clock(api):
    req = submitted_request(api)
    rid = req["id"]
    fire_at(api.app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    with api.app.app_context():
        force_state(rid, "meeting_held")
        final_minutes(rid, "harmonis")
    data, clock = fire_at(api.app, rid, "conclude_harmonis", "head", datetime(2026, 3, 30, 2, 0))
    assert data["clock"] == {"due_date_before": "2026-03-31", "due_date_after": "2026-03-31"}
    with api.app.app_context():
        assert db.session.get(Request, rid).clock_stopped_on == date(2026, 3, 30)
    shown = api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{rid}"))
    assert shown["working_days_left"] is None


# --- the calendar API -----------------------------------------------------------------------


def error_of(r, status):
    assert r.status_code == status, r.get_data(as_text=True)
    body = r.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("alias", ["drafter", "officer", "head", "admin"])
def test_due_endpoint(api, alias):
    client = api.as_(alias)
    assert client.ok(client.get("/calendar/due?start=2026-03-17&days=5")) == {"due_date": "2026-03-31"}


@pytest.mark.parametrize(
    "start, days, due",
    [
        ("2026-03-16", 5, "2026-03-30"),
        ("2026-03-21", 0, "2026-03-21"),
        ("2026-12-23", 5, "2027-01-04"),
        ("2026-12-23", 6, "2027-01-06"),
        ("2026-05-26", 3, "2026-06-03"),
    ],
)
def test_due_endpoint_dates(api, start, days, due):
    drafter = api.as_("drafter")
    assert drafter.ok(drafter.get(f"/calendar/due?start={start}&days={days}")) == {"due_date": due}


def test_holidays_endpoint_lists_2026(api):
    drafter = api.as_("drafter")
    listed = drafter.ok(drafter.get("/calendar/holidays?year=2026"))
    assert len(listed) == 25
    assert listed == [{"date": d.isoformat(), "name": n} for d, n in NON_WORKING_2026]


def test_holidays_endpoint_and_due_date_include_an_ad_hoc_closure(api):
    add_override(api.app, date(2026, 3, 26), False, "Kantor tutup: pemadaman listrik")
    officer = api.as_("officer")
    listed = officer.ok(officer.get("/calendar/holidays?year=2026"))
    assert len(listed) == 26
    assert {"date": "2026-03-26", "name": "Kantor tutup: pemadaman listrik"} in listed
    assert [h["date"] for h in listed] == sorted(h["date"] for h in listed)
    assert officer.ok(officer.get("/calendar/due?start=2026-03-17&days=5")) == {"due_date": "2026-04-01"}
    # the applicants of the office count with the same calendar
    drafter = api.as_("drafter")
    assert drafter.ok(drafter.get("/calendar/due?start=2026-03-17&days=5")) == {"due_date": "2026-04-01"}


def test_holidays_endpoint_and_due_date_honour_a_working_override(api):
    add_override(api.app, date(2026, 3, 24), True, "Pelayanan tetap buka")
    head = api.as_("head")
    listed = head.ok(head.get("/calendar/holidays?year=2026"))
    assert len(listed) == 24
    assert "2026-03-24" not in {h["date"] for h in listed}
    assert head.ok(head.get("/calendar/due?start=2026-03-17&days=5")) == {"due_date": "2026-03-30"}


@pytest.fixture
def other_office(app):
    """A second Kanwil (Bali), removed again after the test."""
    with app.app_context():
        office = Office(code="BALI-TEST", name="Kanwil Kementerian Hukum Bali", timezone="Asia/Makassar")
        db.session.add(office)
        db.session.commit()
        office_id = office.id
    yield office_id
    with app.app_context():
        db.session.execute(delete(HolidayOverride).where(HolidayOverride.office_id == office_id))
        db.session.execute(delete(User).where(User.office_id == office_id))
        db.session.execute(delete(Office).where(Office.id == office_id))
        db.session.commit()


def test_another_offices_override_does_not_apply(api, other_office):
    with api.app.app_context():
        db.session.add(
            HolidayOverride(
                office_id=other_office, day=date(2026, 3, 26), working=False, reason="Kantor tutup: upacara adat"
            )
        )
        db.session.commit()
        assert not office_calendar(other_office).is_working_day(date(2026, 3, 26))
        assert db.session.scalar(select(func.count()).select_from(HolidayOverride)) == 1
    head = api.as_("head")
    assert len(head.ok(head.get("/calendar/holidays?year=2026"))) == 25
    assert head.ok(head.get("/calendar/due?start=2026-03-17&days=5")) == {"due_date": "2026-03-31"}


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "start"),
        ("?days=5", "start"),
        ("?start=2026-03-17", "days"),
        ("?start=2026-02-30&days=5", "start"),
        ("?start=17-03-2026&days=5", "start"),
        ("?start=kemarin&days=5", "start"),
        ("?start=2026-03-17&days=-1", "days"),
        ("?start=2026-03-17&days=367", "days"),
        ("?start=2026-03-17&days=lima", "days"),
        ("?start=2026-03-17&days=1.5", "days"),
    ],
)
def test_due_endpoint_bad_parameters(api, query, field):
    err = error_of(api.as_("drafter").get("/calendar/due" + query), 422)
    assert err["code"] == "invalid_input"
    assert field in err["details"]


@pytest.mark.parametrize("query", ["", "?year=1999", "?year=2101", "?year=duaribu", "?year=2026.5"])
def test_holidays_endpoint_bad_parameters(api, query):
    err = error_of(api.as_("drafter").get("/calendar/holidays" + query), 422)
    assert err["code"] == "invalid_input"
    assert "year" in err["details"]


def test_due_endpoint_far_future_start_is_invalid_input_not_a_server_error(api):
    # BUG: a date near date.max overflows while counting (OverflowError) and answers 500.
    for query in ("?start=9999-12-31&days=1", "?start=9999-12-20&days=30"):
        err = error_of(api.as_("drafter").get("/calendar/due" + query), 422)
        assert err["code"] == "invalid_input"
        assert "start" in err["details"]


@pytest.mark.parametrize("path", ["/calendar/due?start=2026-03-17&days=5", "/calendar/holidays?year=2026"])
def test_calendar_endpoints_need_a_token(api, path):
    r = api.get(path)
    assert error_of(r, 401)["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_withdrawing_a_paused_file_stops_the_clock(api):
    app = api.app
    req = submitted_request(api)
    rid = req["id"]
    fire_at(app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    fire_at(
        app,
        rid,
        "return_for_completion",
        "officer",
        datetime(2026, 3, 26, 2, 0),
        comment="Naskah akademik belum lengkap",
    )
    data, clock = fire_at(
        app, rid, "withdraw", "drafter", datetime(2026, 4, 1, 2, 0), comment="Rancangan akan disusun ulang"
    )
    assert clock["state"] == "withdrawn"
    assert data["clock"]["due_date_before"] == "2026-03-31"
    with app.app_context():
        assert db.session.get(Request, rid).clock_stopped_on == date(2026, 4, 1)
    shown = api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{rid}"))
    assert shown["working_days_left"] is None
    # a stopped clock is not a paused one
    assert shown["clock_paused"] is False


def test_a_file_returned_when_already_overdue_stays_overdue_after_resubmission(api):
    app = api.app
    rid = submitted_request(api)["id"]
    _, clock = fire_at(app, rid, "declare_complete", "officer", datetime(2026, 3, 16, 23, 30))
    assert clock["due_date"] == date(2026, 3, 31)
    # returned on Thursday 2 April, two days late: nothing remains
    _, clock = fire_at(
        app, rid, "return_for_completion", "officer", datetime(2026, 4, 2, 2, 0), comment="Lengkapi naskah akademik"
    )
    assert clock["clock_remaining_days"] == 0
    api.as_("drafter").ok(api.as_("drafter").upload(rid, "naskah_akademik"), 201)
    data, clock = fire_at(app, rid, "resubmit", "drafter", datetime(2026, 4, 8, 2, 0))
    # the due date is not moved forward: the file was late before it went back
    assert clock["due_date"] == date(2026, 3, 31) and clock["clock_paused"] is False
    assert data["clock"] == {"due_date_before": "2026-03-31", "due_date_after": "2026-03-31"}
    shown = api.as_("officer").ok(api.as_("officer").get(f"/requests/{rid}"))
    assert shown["due_date"] == "2026-03-31"


@pytest.mark.parametrize("raw", ["20260410", "2026-W15-5", "2026-4-10", "10-04-2026"])
def test_date_inputs_must_be_yyyy_mm_dd(api, raw):
    rid = submitted_request(api)["id"]
    with api.app.app_context():
        force_state(rid, "analysed")
    r = api.as_("officer").fire(rid, "schedule_meeting", meeting_date=raw)
    assert r.status_code == 422
    assert "data.meeting_date" in r.get_json()["error"]["details"]


def test_the_kept_calendar_follows_every_change_of_the_overrides(app):
    """office_calendar() keeps the calendar it built, keyed by the office's calendar_version: an
    override added or removed by the ORM, by a bulk statement or by raw SQL changes the token in the
    database (triggers), so the next reader never gets the calendar from before the change."""
    from sqlalchemy import text

    day = date(2026, 3, 26)
    with app.app_context():
        office_id = user("officer").office_id
        first = office_calendar(office_id)
        assert first.is_working_day(day)
        assert office_calendar(office_id) is first  # kept: no statement while nothing changed
        token = db.session.get(Office, office_id).calendar_version
        db.session.commit()

        db.session.add(HolidayOverride(office_id=office_id, day=day, working=False, reason="Kantor tutup"))
        db.session.flush()
        assert not office_calendar(office_id).is_working_day(day)  # the writing transaction sees its own row
        db.session.commit()
        assert db.session.get(Office, office_id).calendar_version != token
        assert not office_calendar(office_id).is_working_day(day)
        db.session.commit()

        db.session.execute(delete(HolidayOverride).where(HolidayOverride.office_id == office_id))
        db.session.commit()
        assert office_calendar(office_id).is_working_day(day)
        db.session.commit()

        db.session.execute(
            text(
                "INSERT INTO holiday_overrides (office_id, day, working, reason, created_at) VALUES (:o, :d, :w, 'x', :d)"
            ),
            {"o": office_id, "d": day, "w": False},
        )
        db.session.commit()
        assert not office_calendar(office_id).is_working_day(day)
        db.session.commit()
        db.session.execute(text("DELETE FROM holiday_overrides"))  # as the test fixtures clean up
        db.session.commit()
        assert office_calendar(office_id).is_working_day(day)


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(DAYS, min_size=1, max_size=12),
    overrides=st.dictionaries(DAYS, st.booleans(), max_size=6),
)
def test_working_day_numbers_agree_with_working_days_between(days, overrides):
    """The list page's bulk numbering (one pass for every row) gives what a count per row gives."""
    cal = WorkingCalendar({day: Override(working, "uji") for day, working in overrides.items()})
    numbers = cal.working_day_numbers(days)
    assert set(numbers) == set(days)
    for a in days:
        for b in days:
            expected = cal.working_days_between(a, b) if a <= b else -cal.working_days_between(b, a)
            assert numbers[b] - numbers[a] == expected


def test_working_day_numbers_of_nothing():
    assert CAL.working_day_numbers([]) == {}
