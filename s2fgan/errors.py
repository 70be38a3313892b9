"""Errors shared across s2fgan."""


class UserError(Exception):
    """A mistake the user can fix (a bad value, an occupied folder): one line, no traceback."""
