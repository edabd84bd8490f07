"""The registry: every process Harmoni runs, and its one machine, built once at import."""

from ..engine.definition import Process
from ..engine.errors import InvalidInput
from ..engine.machine import build_machine
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
