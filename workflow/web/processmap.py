"""The process map: an SVG drawn from the same definition the engine runs, one column per phase,
with the current state highlighted. Built by hand (no graphviz binary needed on the server)."""

from functools import lru_cache

from flask_babel import get_locale
from markupsafe import Markup, escape

from ..engine.definition import Phase, Process
from ..i18n import gettext as _

BOX_W, BOX_H, COL_W, ROW_H, MARGIN = 190, 48, 260, 78, 20


@lru_cache(maxsize=64)
def _layout(process: Process) -> dict[str, tuple[int, int]]:
    positions, rows = {}, {}
    for state in process.states:
        col = list(Phase).index(state.phase)
        row = rows.get(col, 0)
        rows[col] = row + 1
        positions[state.name] = (MARGIN + col * COL_W, MARGIN + 30 + row * ROW_H)
    return positions


def process_svg(process: Process, current: str | None = None) -> Markup:
    """The map of `process` with `current` highlighted, in the current language: drawn once per
    process, state and language (it depends on nothing else: the definitions are frozen)."""
    return _svg(process, current, str(get_locale()))


@lru_cache(maxsize=1024)
def _svg(process: Process, current: str | None, _locale: str) -> Markup:
    pos = _layout(process)
    notes_height = 14 * sum(1 for t in process.transitions if len(t.sources) > 3)
    height = max(y for _, y in pos.values()) + BOX_H + MARGIN * 2 + notes_height
    width = MARGIN * 2 + (len(Phase) - 1) * COL_W + BOX_W + 60  # room for same-phase curves
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="process-map" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(_(process.label))}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6c757d"/>'
        "</marker></defs>",
    ]
    for i, phase in enumerate(Phase):
        parts.append(
            f'<text x="{MARGIN + i * COL_W}" y="{MARGIN + 10}" font-weight="bold" '
            f'font-size="14">{escape(_(phase.label))}</text>'
        )
    notes = []
    for t in process.transitions:
        if t.dest is None:
            continue  # internal transitions (e.g. extending a deadline) move nothing
        if len(t.sources) > 3:
            # an exit open from almost everywhere (withdrawal) reads better as a sentence
            notes.append(
                _(
                    "%(action)s: dari %(count)s status → %(state)s",
                    action=_(t.label),
                    count=len(t.sources),
                    state=_(process.state(t.dest).label),
                )
            )
            continue
        for source in t.sources:
            if source != t.dest:
                parts.append(_edge(pos[source], pos[t.dest], _(t.label)))
    for state in process.states:
        x, y = pos[state.name]
        here = state.name == current
        fill, stroke = ("#0d6efd", "#0a58ca") if here else ("#ffffff", "#6c757d")
        text = "#ffffff" if here else "#212529"
        dashed = ' stroke-dasharray="4 2"' if state.final else ""
        parts.append(
            f'<g class="state{" current" if here else ""}" data-state="{state.name}">'
            f"<title>{escape(_(state.label))}</title>"
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if here else 1.5}"{dashed}/>'
            f"{_label(_(state.label), x + BOX_W / 2, y + BOX_H / 2, text)}</g>"
        )
    for i, note in enumerate(notes):
        parts.append(
            f'<text x="{MARGIN}" y="{height - MARGIN + 14 * i}" font-size="12" fill="#495057">{escape(note)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge(source, target, label) -> str:
    """A curve from the border of one box to the border of another, with an arrowhead."""
    (x1, y1), (x2, y2) = source, target
    if x1 == x2:  # same phase: leave from the side, curve outwards
        side = x1 + BOX_W
        sx, sy, ex, ey = side, y1 + BOX_H / 2, side, y2 + BOX_H / 2
        mx, my = side + 30 + abs(y2 - y1) / 6, (sy + ey) / 2
    else:
        forward = x2 > x1
        sx = x1 + BOX_W if forward else x1
        ex = x2 if forward else x2 + BOX_W
        sy, ey = y1 + BOX_H / 2 + (6 if forward else -6), y2 + BOX_H / 2 + (6 if forward else -6)
        mx, my = (sx + ex) / 2, (sy + ey) / 2 + (-18 if forward else 18)
    return (
        f'<path d="M{sx},{sy} Q{mx},{my} {ex},{ey}" fill="none" stroke="#868e96" stroke-width="1.2" '
        f'marker-end="url(#arrow)"><title>{escape(label)}</title></path>'
    )


def _label(text: str, cx: float, cy: float, colour: str) -> str:
    """The state's label on one or two lines."""
    words, lines = text.split(), [""]
    for word in words:
        if len(lines[-1]) + len(word) + 1 > 28 and lines[-1]:
            lines.append("")
        lines[-1] = (lines[-1] + " " + word).strip()
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[:26] + "…"]
    top = cy + 4 - 7 * (len(lines) - 1)
    spans = "".join(f'<tspan x="{cx}" y="{top + 14 * i}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text text-anchor="middle" font-size="11.5" fill="{colour}">{spans}</text>'
