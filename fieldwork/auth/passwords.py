"""Password hashing with Argon2id (parameters from the app config)."""

from __future__ import annotations

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


def password_problems(password: str, min_length: int) -> list[str]:
    """Return the reasons (English msgids) a new password is not acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append("too_short")
    if password.isdigit() or password.isalpha():
        problems.append("letters_and_digits")
    return problems
