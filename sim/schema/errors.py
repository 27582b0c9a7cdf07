"""The one error type a bad input raises, whatever the entry point."""
from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value that cannot run; the message names the field and the fix.

    Entry points print ``clearway: config error: <field>: <problem>`` and exit with code 2.
    """

    def __init__(self, field_path: str, problem: str):
        self.field_path = field_path
        self.problem = problem
        super().__init__(f"{field_path}: {problem}")
