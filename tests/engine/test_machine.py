"""The machines: built once per process, never holding a request row, no shortcut triggers."""

import pytest

from workflow.engine.definition import DefinitionError, Phase, Process, State, Transition
from workflow.engine.errors import TransitionUnavailable
from workflow.engine.machine import move
from workflow.processes import MACHINES, PROCESSES


class Row:
    def __init__(self, state):
        self.state = state


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_one_machine_per_process_without_auto_transitions(name):
    machine, process = MACHINES[name], PROCESSES[name]
    assert set(machine.events) == {t.trigger for t in process.transitions}
    assert not any(trigger.startswith("to_") for trigger in machine.events)
    assert machine.models == []  # model=None: rows are passed in, never registered


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_moving_a_row_leaves_the_machine_without_models(name):
    process = PROCESSES[name]
    first = next(t for t in process.transitions_from(process.initial) if t.dest and t.dest != process.initial)
    row = Row(process.initial)
    move(MACHINES[name], row, first.trigger)
    assert row.state == first.dest
    assert MACHINES[name].models == []
    if row.state not in first.sources:
        with pytest.raises(TransitionUnavailable):
            move(MACHINES[name], row, first.trigger)  # not from its destination
        assert row.state == first.dest


def test_internal_transition_keeps_the_state():
    row = Row("in_analysis")
    move(MACHINES["ranperda"], row, "extend_deadline")
    assert row.state == "in_analysis"


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_every_phase_is_used_and_conclusions_are_reachable(name):
    process = PROCESSES[name]
    # every process has intake, review and conclusion; a meeting only where the service has one
    expected = set(Phase) - ({Phase.MEETING} if name == "public_complaint" else set())
    assert {s.phase for s in process.states} == expected
    reachable, frontier = {process.initial}, [process.initial]
    while frontier:
        state = frontier.pop()
        for t in process.transitions_from(state):
            if t.dest and t.dest not in reachable:
                reachable.add(t.dest)
                frontier.append(t.dest)
    assert reachable == {s.name for s in process.states}
    for state in process.states:
        if state.final:
            assert process.transitions_from(state.name) == ()


def test_definition_refuses_a_transition_to_an_unknown_state():
    with pytest.raises(DefinitionError):
        Process(
            name="x",
            label="x",
            number_code="X",
            initial="a",
            states=(State("a", Phase.INTAKE, "A"),),
            transitions=(Transition("go", ("a",), "nowhere", ("drafter",), "Go"),),
        )


def test_definition_refuses_an_extension_without_a_reason():
    from workflow.engine.definition import Clock

    with pytest.raises(DefinitionError):
        Process(
            name="x",
            label="x",
            number_code="X",
            initial="a",
            states=(State("a", Phase.INTAKE, "A"),),
            transitions=(Transition("extend", ("a",), None, ("head",), "E", clock=Clock.EXTEND),),
        )


def test_a_wrong_definition_is_refused_at_import_naming_the_process_and_the_field():
    from workflow.engine.definition import Field

    with pytest.raises(DefinitionError, match=r"^uji: field 'lahir': kind 'tanggal'"):
        Process(
            "uji", "Uji", "UJI", (State("a", Phase.INTAKE, "A"),), (), "a", fields=(Field("lahir", "Lahir", "tanggal"),)
        )
    with pytest.raises(DefinitionError, match=r"^uji: initial state 'b'"):
        Process("uji", "Uji", "UJI", (State("a", Phase.INTAKE, "A"),), (), "b")
    assert Process(
        "uji", "Uji", "UJI", (State("a", Phase.INTAKE, "A"),), (), "a", fields=(Field("lahir", "Lahir", "date"),)
    )
