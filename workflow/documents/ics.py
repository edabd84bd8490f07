"""iCalendar (.ics) invitations: one VEVENT per meeting; SEQUENCE follows the meeting's version
so calendars update a rescheduled meeting and drop a cancelled one."""

from datetime import UTC, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from ..links import web_link


def _one_line(text: str) -> str:
    """Control characters (CR, LF ...) cannot stand in a property parameter: dropped."""
    return "".join(c for c in text if ord(c) >= 32 and ord(c) != 127)


def meeting_invitation(meeting, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Harmoni//Kanwil Kementerian Hukum//ID")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.status == "cancelled" else "REQUEST")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("sequence", meeting.version)
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=UTC))
    start = meeting.starts_at.replace(tzinfo=UTC)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    description = ["Rapat pengharmonisasian:"] + [f"- {r.number}: {r.title}" for r in meeting.requests]
    link = web_link(meeting.online_link)  # never a javascript: link, even one stored long ago
    if link:
        description.append(f"Tautan rapat daring: {link}")
        event.add("url", link)
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{meeting.chair.email}")
    organizer.params["cn"] = vText(_one_line(meeting.chair.name))
    event.add("organizer", organizer)
    for p in meeting.participants:
        # addresses are validated on input; one stored before that (or by hand) with a line break
        # or a quote in it would break the file for everyone: it is left out, not a 500 forever
        if p.email and _one_line(p.email) == p.email and '"' not in p.email:
            attendee = vCalAddress(f"mailto:{p.email}")
            attendee.params["cn"] = vText(_one_line(p.name))
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
