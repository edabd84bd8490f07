"""The registry: every process Harmoni runs, and its one machine, built once at import."""

from sqlalchemy import and_, false, or_

from ..engine.definition import Process
from ..engine.errors import InvalidInput
from ..engine.machine import build_machine
from ..models import Request
from . import (
    human_rights_complaint,
    ip_facilitation,
    legal_aid,
    naturalisation,
    public_complaint,
    ranperda,
    ranperkada,
)

# Adding a process: write its module, then list it here (README: "Adding a process").
PROCESSES: dict[str, Process] = {
    p.PROCESS.name: p.PROCESS
    for p in (
        ranperda,
        ranperkada,
        legal_aid,
        ip_facilitation,
        human_rights_complaint,
        naturalisation,
        public_complaint,
    )
}
MACHINES = {name: build_machine(process) for name, process in PROCESSES.items()}


def get_process(name: str) -> Process:
    try:
        return PROCESSES[name]
    except KeyError:
        raise InvalidInput(
            f"Jenis permohonan '{name}' tidak dikenal.", details={"process": sorted(PROCESSES)}
        ) from None


def in_tagged_state(request, tag: str) -> bool:
    """Whether the request's process tags its current state with `tag` (engine.definition.StateTag)."""
    return PROCESSES[request.process].has_tag(request.state, tag)


def in_tagged_states(tag: str):
    """The same as an SQL condition on requests, for lists."""
    clauses = [
        and_(Request.process == name, Request.state.in_(process.tagged(tag)))
        for name, process in PROCESSES.items()
        if process.tagged(tag)
    ]
    return or_(*clauses) if clauses else false()
