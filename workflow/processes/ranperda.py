"""Harmonisation of a Ranperda (draft regional regulation)."""

from ..engine.definition import N_
from .harmonisation import harmonisation_process

PROCESS = harmonisation_process(
    "ranperda",
    N_("Pengharmonisasian Rancangan Peraturan Daerah"),
    "RANPERDA",
    required_documents=(
        ("surat_permohonan",),  # to the Kepala Kanwil, through the Sekda or the Sekwan (Pasal 4)
        ("naskah_akademik",),
        ("sk_tim_penyusun",),
        ("rancangan",),
        # Permenkum 40/2025 Pasal 4: the Propemperda decree, or an izin prakarsa instead
        ("sk_propemperda", "izin_prakarsa"),
    ),
    applicant_types=("kepala_daerah", "dprd"),
)
