"""Actors that are not user accounts: the system (timers) and a member of the public acting on
their own request with its tracking code and PIN. They quack like a User where fire() looks."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    role: str = "system"
    id: None = None
    office_id: None = None
    organisation_id: None = None
    name: str = "Sistem"


@dataclass(frozen=True)
class PublicActor:
    request_id: int
    role: str = "public"
    id: None = None
    office_id: None = None
    organisation_id: None = None
    name: str = "Pemohon"


SYSTEM = SystemActor()
