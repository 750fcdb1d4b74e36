"""Known failures: each carries one line for the user and the exit code it maps to."""

from __future__ import annotations


class WhysError(Exception):
    """A failure the user can act on. Shown as one line on stderr, never as a traceback."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInputError(WhysError):
    """Usage or input the command cannot work with (exit 2)."""


class BadAnalysisError(BadInputError):
    """An analysis file that cannot be read at all (missing, a directory, unreadable)."""


class BadRepoError(BadInputError):
    """A path that is not a usable git repository."""


class BadRevisionError(BadInputError):
    """A revision that does not resolve, or that is shaped like an option."""


class BadPatternError(BadInputError):
    """A search pattern the engine rejects (for example an invalid regex)."""


class SessionError(BadInputError):
    """A session file that cannot be read or written."""


class VerdictRuleError(BadInputError):
    """A verdict the rules forbid (approving over a rejected why without an override)."""


class SigningError(WhysError):
    """ssh-keygen could not sign (missing key, wrong passphrase, no ssh-keygen)."""


class VerificationFailed(WhysError):
    """A signature or a re-run of the evidence does not hold (exit 1)."""

    exit_code = 1
