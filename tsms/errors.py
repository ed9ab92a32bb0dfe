"""The one error type: raised anywhere, turned into one line and an exit code by the CLI."""

BAD_INPUT = 2
LEDGER_UNUSABLE = 3


class TsmsError(Exception):
    """A refusal with a message for the user and the exit code it maps to."""

    def __init__(self, message: str, code: int = BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.code = code


def shown(value, limit: int = 60) -> str:
    """A value the user gave, as a message quotes it: at most ``limit`` characters, so that a
    refusal stays one readable line whatever was typed."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
