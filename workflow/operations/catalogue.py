"""The service catalogue of an office, changed by its admin (workflow/catalogue.py reads it)."""

from ..catalogue import limits, optional_document_kinds
from ..engine.definition import Process
from ..engine.errors import InvalidInput
from ..extensions import db


def configure_service(office, process: Process, *, enabled: bool, days: dict, documents: list[str]) -> None:
    """Switch `process` on or off for `office`, set its limits (`days`: limit key -> days, or None
    for the definition's default) and the documents the office requires besides the definition's.
    Running files are not touched: switching a service off only stops new requests.

    :raise InvalidInput: a limit outside what the definition allows, or an unknown document kind
    """
    errors = {}
    editable = {limit.key: limit for limit in limits(office, process)}
    for key, value in days.items():
        limit = editable.get(key)
        if limit is None:
            errors[key] = ["Tenggat ini tidak dapat diatur."]
        elif value is not None and not (isinstance(value, int) and 1 <= value <= limit.maximum):
            errors[key] = [f"Harus antara 1 dan {limit.maximum}."]
    allowed = {k.name for k in optional_document_kinds(process)}
    if set(documents) - allowed:
        errors["documents"] = ["Jenis dokumen tidak dikenal untuk layanan ini."]
    if errors:
        raise InvalidInput(details=errors)

    settings = dict(office.settings or {})
    disabled = [name for name in settings.get("disabled", []) if name != process.name]
    settings["disabled"] = disabled if enabled else sorted(disabled + [process.name])
    path: tuple[str, ...]
    for key, value in days.items():
        if key == "time_limit":
            section, path = "time_limits", (process.name,)
        else:
            kind, name = key.split(":", 1)
            section, path = {"timer": "timers", "deadline": "deadlines", "stage": "stages"}[kind], (process.name, name)
        settings[section] = _with(settings.get(section, {}), path, value)
    required = dict(settings.get("required_documents", {}))
    required[process.name] = [k.name for k in optional_document_kinds(process) if k.name in documents]
    if not required[process.name]:
        del required[process.name]
    settings["required_documents"] = required
    office.settings = settings  # a new dict: the JSON column sees the change
    db.session.flush()


def _with(tree: dict, path: tuple, value) -> dict:
    """A copy of `tree` with `value` at `path`, or without it when value is None."""
    tree = dict(tree or {})
    head, *rest = path
    if rest:
        child = _with(tree.get(head, {}), tuple(rest), value)
        if child:
            tree[head] = child
        else:
            tree.pop(head, None)
    elif value is None:
        tree.pop(head, None)
    else:
        tree[head] = value
    return tree
