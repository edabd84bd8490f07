"""Indonesian dates as official documents write them: "Kamis tanggal dua puluh tujuh bulan
November tahun dua ribu dua puluh enam"."""

from datetime import date

from num2words import num2words

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def in_words(number: int) -> str:
    return num2words(number, lang="id")


def day_name(day: date) -> str:
    return DAYS[day.weekday()]


def long_date(day: date) -> str:
    """27 November 2026"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_in_words(day: date) -> str:
    """Kamis tanggal dua puluh tujuh bulan November tahun dua ribu dua puluh enam"""
    return f"{day_name(day)} tanggal {in_words(day.day)} bulan {MONTHS[day.month - 1]} tahun {in_words(day.year)}"
