"""Requests, their documents, transitions and events."""

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from ...access import can_read_event_comment, visible_request
from ...documents.store import document_store
from ...engine.errors import NotFound
from ...extensions import db
from ...models import Document, Event, Request
from ...models.time import local_date, utcnow
from ...operations.calendar import office_calendar
from ...operations.event_redaction import redacted_events
from ...operations.personal_data import check_document_read, details_for, document_hidden, hidden_document_ids
from ...operations.requests import create_request, update_application_letter, upload_document
from ...operations.transitions import fire
from ...queries import filtered_requests, paginate
from ..downloads import attachment
from ..unit_of_work import unit_of_work
from .auth import protect
from .errors import answers
from .schemas import (
    DocumentOut,
    DocumentUpload,
    EventOut,
    RequestCreate,
    RequestOut,
    RequestPage,
    RequestQuery,
    RequestUpdate,
    TransitionIn,
)
from .serialize import details_json, document_json, event_json, request_json


class MultipartParser(FlaskParser):
    """A multipart body carries form fields and files together; OpenAPI 3 documents them as one
    request body, so the "files" location reads both."""

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


blp = Blueprint("api-requests", __name__, url_prefix="/api/v1", description="Requests")
blp.ARGUMENTS_PARSER = MultipartParser()
protect(blp)


def load_request(request_id: int, *, for_update: bool = False) -> Request:
    return visible_request(request_id, g.user, for_update=for_update)


def respond(req) -> dict:
    calendar = office_calendar(req.office_id)
    return request_json(req, g.user, calendar, local_date(utcnow(), req.office.timezone))


@blp.route("/requests")
class Requests(MethodView):
    @blp.arguments(RequestQuery, location="query")
    @blp.response(200, RequestPage)
    def get(self, args):
        """Requests the caller can see, newest first, filtered and paginated."""
        user = g.user
        today = local_date(utcnow(), user.office.timezone)
        stmt = filtered_requests(
            user,
            today,
            process=args.get("process"),
            state=args.get("state"),
            phase=args.get("phase"),
            organisation_id=args.get("organisation_id"),
            assignee_id=user.id if args["assigned_to_me"] else None,
            overdue=args["overdue"],
            q=args.get("q"),
            before=args.get("before"),
        )
        page = paginate(stmt, args["page"], args["per_page"])
        calendar = office_calendar(user.office_id)
        return {
            "items": [request_json(r, user, calendar, today) for r in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "total_capped": page.capped,
            "pages": page.pages,
        }

    @blp.arguments(RequestCreate)
    @blp.response(201, RequestOut)
    def post(self, args):
        """Open a request: a drafter for their organisation (harmonisation), an officer for a
        walk-in applicant (processes with staff intake, with `details`). Numbered at once."""
        with unit_of_work():
            req = create_request(
                g.user,
                process=args["process"],
                title=args.get("title"),
                external_ref=args.get("external_ref"),
                details=args.get("details"),
                applicant_type=args.get("applicant_type"),
                application_letter_number=args.get("application_letter_number"),
                application_letter_date=args.get("application_letter_date"),
            )
        return respond(req)


@blp.route("/requests/<id:request_id>")
class RequestDetail(MethodView):
    @blp.response(200, RequestOut)
    def get(self, request_id):
        """One request, with the triggers the caller may fire now, and its intake details:
        sensitive ones only for heads and assigned staff (each such read is logged), otherwise
        "[disembunyikan]"."""
        req = load_request(request_id)
        body = respond(req)
        body["details"] = details_json(details_for(g.user, req, "api"))
        return body

    @blp.arguments(RequestUpdate)
    @blp.response(200, RequestOut)
    @answers(blp, 403, 404, 409)
    def patch(self, args, request_id):
        """Fill in or correct the application letter's number and date (harmonisation): the
        applicant's drafter, while the request is a draft or returned for completion; only the
        fields given change. Submitting needs both. 409 if `version` is stale or the request is
        past that stage; 403 for anyone else."""
        req = load_request(request_id, for_update=True)
        version = args.pop("version")
        with unit_of_work():
            update_application_letter(req, g.user, version=version, fields=args)
        return respond(req)


@blp.route("/requests/<id:request_id>/transitions")
class Transitions(MethodView):
    @blp.arguments(TransitionIn)
    @blp.response(200, RequestOut)
    def post(self, args, request_id):
        """Fire a trigger. 409 if `version` is stale or the trigger is not available in this
        state; 403 if the caller may not fire it; 422 with reasons if inputs or guards fail."""
        req = load_request(request_id, for_update=True)
        with unit_of_work():
            fire(req, args["trigger"], g.user, version=args["version"], comment=args["comment"], data=args["data"])
        return respond(req)


@blp.route("/requests/<id:request_id>/events")
class Events(MethodView):
    @blp.response(200, EventOut(many=True))
    def get(self, request_id):
        """The audit trail, oldest first."""
        req = load_request(request_id)
        events = db.session.scalars(
            select(Event).where(Event.request_id == req.id).options(selectinload(Event.actor)).order_by(Event.seq)
        )
        hidden = hidden_document_ids(g.user, req)
        shown = redacted_events(g.user, req, events)  # a confidential reporter's name kept out
        return [event_json(e, hidden, comment_visible=can_read_event_comment(g.user, e)) for e in shown]


@blp.route("/requests/<id:request_id>/documents")
class Documents(MethodView):
    @blp.response(200, DocumentOut(many=True))
    def get(self, request_id):
        """Every version of every document, by kind, newest version first."""
        req = load_request(request_id)
        docs = db.session.scalars(
            select(Document)
            .where(Document.request_id == req.id)
            .options(selectinload(Document.uploaded_by))
            .order_by(Document.kind, Document.version.desc())
        ).all()
        latest = {}
        for d in docs:
            latest.setdefault(d.kind, d.id)
        return [document_json(d, latest[d.kind] == d.id, document_hidden(g.user, req, d)) for d in docs]

    @blp.arguments(DocumentUpload, location="files")
    @blp.response(201, DocumentOut)
    def post(self, form, request_id):
        """Upload a new version of a document kind (multipart: `kind`, `file`). PDF, DOCX or ODT,
        checked by content; 413 over the size limit, 415 for another type."""
        req = load_request(request_id, for_update=True)
        upload = form["file"]
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        content = upload.stream.read(limit + 1)
        with unit_of_work():
            doc = upload_document(
                req,
                g.user,
                kind=form["kind"],
                filename=upload.filename,
                content=content,
                store=document_store(),
                max_bytes=limit,
            )
        return document_json(doc, latest=True)


@blp.route("/requests/<id:request_id>/documents/<id:document_id>")
class DocumentContent(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, request_id, document_id):
        """Download one document version."""
        req = load_request(request_id)
        doc = db.session.get(Document, document_id)
        if doc is None or doc.request_id != req.id:
            raise NotFound("Dokumen tidak ditemukan.")
        check_document_read(g.user, req, doc)
        return attachment(document_store().get(doc.sha256), mimetype=doc.media_type, name=doc.filename)
