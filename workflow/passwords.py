"""What a password must be: long enough, not common or guessable (zxcvbn, the strength estimator of
Dropbox, with its lists of leaked passwords, words, names and keyboard patterns), and not made of
the user's own e-mail or name. One rule for every place a password is set: `users create`, the
admin's user form and the account page."""

import re

from zxcvbn import zxcvbn

from .engine.definition import N_

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn's "safely unguessable": about 10^8 guesses or more
TOO_SHORT = N_("Paling sedikit 10 karakter.")
TOO_WEAK = N_(
    "Kata sandi ini terlalu umum atau mudah ditebak. Gunakan gabungan beberapa kata yang tidak "
    "berhubungan, misalnya tiga kata dan sebuah angka."
)
PERSONAL = N_("Kata sandi tidak boleh memuat nama atau alamat email Anda.")
# zxcvbn refuses more than 72 characters (ValueError: its matching is quadratic); the estimate reads
# the first 72, and a longer password is judged by them
_ESTIMATE_CHARS = 72


def _words(*texts: str) -> list[str]:
    """The pieces of an e-mail address and a name someone could guess from: "hukum.sikka@harmoni.test"
    gives hukum, sikka, hukumsikka; "Maria Fernandez" gives maria, fernandez."""
    words = set()
    for text in texts:
        local = (text or "").lower().split("@")[0]
        parts = [p for p in re.split(r"[^0-9a-z]+", local) if p]
        words.update(parts)
        words.add("".join(parts))
    return sorted(w for w in words if len(w) >= 4)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """The reason `password` is refused for the user with `email` and `name` (an Indonesian source
    string, marked for translation), or None when it is acceptable."""
    if len(password or "") < MIN_LENGTH:
        return TOO_SHORT
    personal = _words(email, name)
    squeezed = re.sub(r"[^0-9a-z]+", "", password.lower())
    if any(word in squeezed for word in personal):
        return PERSONAL
    if zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=personal)["score"] < MIN_SCORE:
        return TOO_WEAK
    return None
