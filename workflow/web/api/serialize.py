"""Rows to JSON-ready dicts (the schemas in schemas.py describe them)."""

from datetime import UTC
from zoneinfo import ZoneInfo

from ...catalogue import is_enabled
from ...engine.calendar import current_deadline, deadline_name, working_days_left
from ...engine.machine import allowed_triggers
from ...links import web_link
from ...operations.issued import can_preview_minutes
from ...operations.letter_approval import can_preview
from ...operations.personal_data import REDACTED, redact_event_data
from ...processes import PROCESSES


def iso(moment) -> str:
    return moment.isoformat(timespec="seconds") + "Z"  # stored as naive UTC


def ref(row):
    return {"id": row.id, "name": row.name} if row is not None else None


def request_json(req, user, calendar, today) -> dict:
    process = PROCESSES[req.process]
    state = process.state(req.state)
    deadline, _whose = current_deadline(req, process)
    return {
        "id": req.id,
        "number": req.number,
        "process": req.process,
        "state": req.state,
        "state_label": state.label,
        "phase": state.phase.value,
        "version": req.version,
        "title": req.title,
        "organisation": ref(req.organisation),
        "external_ref": req.external_ref,
        "applicant_type": req.applicant_type,
        "application_letter_number": req.application_letter_number,
        "application_letter_date": req.application_letter_date,
        "completion_rounds": req.completion_rounds,
        "assignees": [ref(u) for u in req.assignees],
        "due_date": deadline,
        "due_date_kind": deadline_name(req, process),
        "clock_paused": req.clock_paused,
        "working_days_left": working_days_left(req, calendar, today),
        "allowed_triggers": allowed_triggers(process, req, user, today),
        "created_at": iso(req.created_at),
        "updated_at": iso(req.updated_at),
        "tracking_code": req.tracking_code,
    }


def details_json(rows) -> dict:
    return {field.name: value for field, value, _redacted in rows}


def document_json(doc, latest: bool, hidden: bool = False) -> dict:
    """`hidden`: a sensitive document the caller may not read, listed with its name redacted."""
    return {
        "id": doc.id,
        "kind": doc.kind,
        "version": doc.version,
        "latest": latest,
        "filename": REDACTED if hidden else doc.filename,
        "redacted": hidden,
        "media_type": doc.media_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "uploaded_by": ref(doc.uploaded_by),
        "created_at": iso(doc.created_at),
    }


def event_json(ev, hidden_documents: set[int] = frozenset(), *, comment_visible: bool = True) -> dict:
    return {
        "seq": ev.seq,
        "trigger": ev.trigger,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "actor": ref(ev.actor),
        "comment": ev.comment if comment_visible else None,
        "data": redact_event_data(ev.data, hidden_documents),
        "created_at": iso(ev.created_at),
        "hash": ev.hash,
    }


def process_json(p, office=None) -> dict:
    """A process's definition; with `office`, whether that office runs it (its catalogue)."""
    return {
        "name": p.name,
        "label": p.label,
        "enabled": is_enabled(office, p) if office is not None else True,
        "initial": p.initial,
        "states": [{"name": s.name, "label": s.label, "phase": s.phase.value, "final": s.final} for s in p.states],
        "transitions": [
            {
                "trigger": t.trigger,
                "label": t.label,
                "sources": list(t.sources),
                "destination": t.dest,
                "roles": list(t.roles),
                "requires_comment": t.requires_comment,
                "assignees_only": t.assignees_only,
                "inputs": [{"name": i.name, "kind": i.kind, "label": i.label} for i in t.inputs],
                "clock": t.clock.value if t.clock else None,
                "time_limit": ({"days": t.limit.days, "unit": t.limit.unit.value} if t.limit else None),
                "timer": (
                    {"days": t.timer.days, "unit": t.timer.unit.value, "basis": t.timer.basis} if t.timer else None
                ),
            }
            for t in p.transitions
        ],
        "document_kinds": [
            {"name": k.name, "label": k.label, "uploader": k.uploader, "images": k.images} for k in p.document_kinds
        ],
        "required_documents": [list(g) for g in p.required_documents],
        "time_limit": ({"days": p.time_limit.days, "unit": p.time_limit.unit.value} if p.time_limit else None),
        "intake": p.intake,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "kind": f.kind,
                "required": f.required,
                "sensitive": f.sensitive,
                "choices": [c for c, _ in f.choices],
            }
            for f in p.fields
        ],
        "variant_field": p.variant_field,
        "variant_documents": {k: [list(g) for g in v] for k, v in p.variant_documents.items()},
        "counter_intake": p.counter_intake,
        "deadlines": [
            {"name": d.name, "label": d.label, "days": d.limit.days, "unit": d.limit.unit.value} for d in p.deadlines
        ],
    }


def meeting_json(m, timezone) -> dict:
    local = m.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return {
        "id": m.id,
        "title": m.title,
        "status": m.status,
        "status_reason": m.status_reason,
        "version": m.version,
        "starts_at": iso(m.starts_at),
        "starts_at_local": local.isoformat(timespec="minutes"),
        "duration_minutes": m.duration_minutes,
        "place": m.place,
        "online_link": web_link(m.online_link),  # a link stored before links.py's rule: none
        "chair": ref(m.chair),
        "requests": [{"id": r.id, "number": r.number, "title": r.title, "state": r.state} for r in m.requests],
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "position": p.position,
                "institution": p.institution,
                "side": p.side,
                "attended": p.attended,
            }
            for p in m.participants
        ],
    }


def issued_json(d, viewer) -> dict | None:
    """`viewer`: the account asking (the preview link is given only to one who may open it)."""
    if d is None:
        return None
    issued = d.status == "issued"
    return {
        "id": d.id,
        "request_id": d.request_id,
        "meeting_id": d.meeting_id,
        "kind": d.kind,
        "status": d.status,
        "version": d.version,
        "number": d.number,
        "code": d.code,
        "title": d.title,
        "issued_at": iso(d.issued_at),
        "approved_at": iso(d.approved_at) if d.approved_at else None,
        "approved_by": ref(d.approved_by),
        "on_behalf_of": d.on_behalf_of,
        "sent_back_at": iso(d.sent_back_at) if d.sent_back_at else None,
        # the approver's note to the officer, while it is theirs to act on
        "sent_back_comment": d.sent_back_comment if d.status == "sent_back" else None,
        "sha256": d.sha256,
        "superseded_by_id": d.superseded_by_id,
        "download_url": f"/api/v1/issued/{d.id}/pdf" if issued else None,
        # only for one who may open it (the office's staff): an admin sees the letter, not its DRAF
        "preview_url": f"/api/v1/issued-documents/{d.id}/preview.pdf" if can_preview(viewer, d) else None,
    }


def minutes_json(m, viewer) -> dict:
    """`viewer`: as issued_json."""
    return {
        "id": m.id,
        "request_id": m.request_id,
        "meeting_id": m.meeting_id,
        "revision": m.revision,
        "status": m.status,
        "version": m.version,
        "conclusion": m.conclusion,
        "notes": m.notes,
        "correction_deadline": m.correction_deadline,
        "application_letter_number": m.application_letter_number,
        "application_letter_date": m.application_letter_date,
        "legal_basis": m.legal_basis,
        "signatories": m.signatories,
        "findings": [
            {"aspect": f.aspect, "article": f.article, "finding": f.finding, "agreed_change": f.agreed_change}
            for f in m.findings
        ],
        "issued_document": issued_json(m.issued_document, viewer),
        "history": len(m.history),
        "finalised_at": iso(m.finalised_at) if m.finalised_at else None,
        "approved_at": iso(m.approved_at) if m.approved_at else None,
        "approved_by": ref(m.approved_by),
        "sent_back_at": iso(m.sent_back_at) if m.sent_back_at else None,
        # the head's note to the officer, while it is theirs to act on (drafts are staff-only)
        "sent_back_comment": m.sent_back_comment if m.status == "draft" else None,
        "preview_url": f"/api/v1/minutes/{m.id}/preview.pdf" if can_preview_minutes(viewer, m) else None,
    }
