"""Harmonisation of a Ranperkada (draft Pergub, Perbup or Perwali).
Assumed: the Ranperda list without the Propemperda item (unconfirmed: no regulation found settles it, so it stays configurable)."""

from ..engine.definition import N_
from .harmonisation import harmonisation_process

PROCESS = harmonisation_process(
    "ranperkada",
    N_("Pengharmonisasian Rancangan Peraturan Kepala Daerah"),
    "RANPERKADA",
    required_documents=(("surat_permohonan",), ("naskah_akademik",), ("sk_tim_penyusun",), ("rancangan",)),
    applicant_types=("kepala_daerah",),  # a regulation of the Kepala Daerah: only the executive applies
)
