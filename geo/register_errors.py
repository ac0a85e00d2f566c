"""The one error a register import raises when a file cannot be used at all."""


class ImportFailed(Exception):
    """The file cannot be used at all; nothing was written. The message is Indonesian."""
