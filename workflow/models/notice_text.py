"""The text of a notice (an in-app notification or an e-mail in the outbox): stored when written
(older rows, mail to the public) or once rendered; a notice of a transition is written with its
`context` only and rendered when shown or sent (`body`), outside the transition's transaction."""

from __future__ import annotations

from sqlalchemy import JSON, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column


class NoticeText:
    """Mixin of Notification and OutboxMessage: `body`, rendered from `context` when not stored."""

    stored_body: Mapped[str | None] = mapped_column("body", Text)
    context: Mapped[dict | None] = mapped_column(JSON)

    @hybrid_property
    def body(self) -> str:
        """The text, rendered from `context` in the recipient's language when not stored."""
        if self.stored_body is None and self.context is not None:
            from ..operations.notifications import render_notice  # the templates live with the operations

            return render_notice(self.context)
        return self.stored_body

    @body.inplace.setter
    def _body_setter(self, value: str | None) -> None:
        self.stored_body = value

    @body.inplace.expression
    @classmethod
    def _body_expression(cls):
        return cls.stored_body
