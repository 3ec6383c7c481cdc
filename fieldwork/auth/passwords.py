"""Password hashing with Argon2id (parameters from the app config)."""

from __future__ import annotations

import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True if ``password`` matches the stored hash; never raises for a wrong password."""
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A real hash of a random string, verified when the e-mail is unknown so that the response
# time does not reveal which accounts exist.
_DUMMY = None


def dummy_verify(password: str) -> None:
    """Spend the same time as a real verification (for unknown accounts)."""
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password("not-a-real-password-0000")
    verify_password(_DUMMY, password)


# Passwords seen most often in leaks (10+ characters, since shorter ones fail anyway) and
# Vietnamese favourites; compared after folding case, accents and separators.
COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 12345678910 1234567890a a1234567890 123456789a a123456789
1111111111 0000000000 1234512345 1q2w3e4r5t 1qaz2wsx3edc qwertyuiop qwerty1234
qwerty12345 asdfghjkl1 zxcvbnm123 password12 password123 password1234 passw0rd123
iloveyou12 iloveyou123 abc1234567 abcd123456 abcdefghij abcdefgh12 admin12345
admin123456 administrator welcome123 letmein123 changeme123 matkhau123 matkhau1234
matkhaumoi anhyeuem123 emyeuanh123 vietnam123 vietnam1234 hanoi12345 saigon1234
danang1234 danang12345 fieldwork1 fieldwork123 khaosat123 khaosat2026
""".split())


def fold(text: str) -> str:
    """Lower-case letters and digits only, Vietnamese accents removed (đ -> d)."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().replace("đ", "d"))
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def _name_parts(name: str, email: str) -> list[str]:
    """Folded pieces of the person's name and e-mail local part that a password may not hold."""
    local = (email or "").rpartition("@")[0] if "@" in (email or "") else (email or "")
    parts = [fold(name), fold(local)]
    parts += [fold(p) for p in re.split(r"[\s._+-]+", f"{name} {local}")]
    # Short pieces ("Văn", "An") would refuse too many good passwords.
    return [p for p in dict.fromkeys(parts) if len(p) >= 4]


def password_problems(password: str, min_length: int, *, email: str = "",
                      name: str = "") -> list[str]:
    """Return the reasons (codes) a new password is not acceptable; empty if it is fine.

    ``too_short``: under ``min_length`` characters; ``only_digits``; ``contains_email``:
    holds the e-mail's local part; ``contains_name``: holds the name or a part of it (4+
    letters); ``common``: in :data:`COMMON_PASSWORDS` or one character repeated.
    """
    problems = []
    if len(password) < min_length:
        problems.append("too_short")
    if password.isdigit():
        problems.append("only_digits")
    folded = fold(password)
    local = fold((email or "").rpartition("@")[0] or email)
    if len(local) >= 3 and local in folded:
        problems.append("contains_email")
    elif any(p in folded for p in _name_parts(name, email)):
        problems.append("contains_name" if any(p in folded for p in _name_parts(name, ""))
                        else "contains_email")
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 1:
        problems.append("common")
    return problems
