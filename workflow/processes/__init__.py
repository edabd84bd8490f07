"""The registry: every process Harmoni runs, and its one machine, built once at import."""
from ..engine.definition import Process
from ..engine.errors import InvalidInput
from ..engine.machine import build_machine
from . import ranperda, ranperkada

PROCESSES: dict[str, Process] = {p.name: p for p in (ranperda.PROCESS, ranperkada.PROCESS)}
MACHINES = {name: build_machine(process) for name, process in PROCESSES.items()}


def get_process(name: str) -> Process:
    try:
        return PROCESSES[name]
    except KeyError:
        raise InvalidInput(f"Jenis permohonan '{name}' tidak dikenal.",
                           details={"process": sorted(PROCESSES)}) from None
