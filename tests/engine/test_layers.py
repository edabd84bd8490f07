"""The arrows between the layers run one way: web -> operations -> processes -> engine. A process
is data and never reaches up into operations/ (effects that belong there are NamedEffects that
operations/ implements); the engine knows no process, no operation and no page."""

import ast
from pathlib import Path

import pytest

from workflow.engine.definition import NamedEffect, StateTag
from workflow.processes import PROCESSES

ROOT = Path(__file__).resolve().parents[2] / "workflow"
FORBIDDEN = {
    "engine": ("workflow.operations", "workflow.web", "workflow.processes", "workflow.models"),
    "processes": ("workflow.operations", "workflow.web"),
}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module `path` imports, at the top or inside a function."""
    package = "workflow." + ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            else:
                names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_arrow_runs_back_up(layer):
    offending = {
        str(path.relative_to(ROOT)): sorted(n for n in imported_modules(path) if n.startswith(FORBIDDEN[layer]))
        for path in (ROOT / layer).glob("*.py")
    }
    assert {k: v for k, v in offending.items() if v} == {}


def test_every_named_effect_is_implemented_once_operations_are_loaded():
    import workflow.operations  # noqa: F401  (implements the named effects)

    named = {e for p in PROCESSES.values() for t in p.transitions for e in t.effects if isinstance(e, NamedEffect)}
    assert named, "the harmonisation issues its letters through named effects"
    assert [e.name for e in named if e._implementation is None] == []


def test_the_meeting_tags_follow_the_harmonisation_path():
    for name in ("ranperda", "ranperkada"):
        process = PROCESSES[name]
        assert process.tagged(StateTag.MEETING_READY) == ("analysed",)
        assert process.tagged(StateTag.MEETING_SCHEDULED) == ("meeting_scheduled",)
        assert process.tagged(StateTag.MINUTES_OPEN) == ("meeting_scheduled", "meeting_held")
        held = process.tagged(StateTag.MEETING_HELD)
        assert held[0] == "meeting_held" and {"harmonis", "not_harmonis"} <= set(held)
        # a file is on one meeting's agenda before it is scheduled, and minutes follow scheduling
        for t in process.transitions:
            if t.trigger == "schedule_meeting":
                assert set(t.sources) == set(process.tagged(StateTag.MEETING_READY))
                assert process.has_tag(t.dest, StateTag.MEETING_SCHEDULED)
            if t.trigger == "hold_meeting":
                assert process.has_tag(t.dest, StateTag.MEETING_HELD)
