"""Intake field values by kind (operations/requests.py): a `date` field takes YYYY-MM-DD only."""

import pytest

from workflow.engine.definition import Field
from workflow.operations.requests import _field_value

BIRTH = Field("tanggal_lahir", "Tanggal lahir", "date")


@pytest.mark.parametrize("value", ["2026-13-01", "20260330", "30-03-2026", "besok", "2026-02-30"])
def test_a_date_field_refuses_anything_but_a_real_iso_date(value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _field_value(BIRTH, value)


def test_a_date_field_keeps_an_iso_date():
    assert _field_value(BIRTH, " 2026-03-30 ") == "2026-03-30"
