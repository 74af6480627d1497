"""The write side: the append command, the checks every fact passes, and the paths that issue
commands (the API, the seed, an import of an exported log)."""

from service.writing.appender import Appender
from service.writing.checks import BadFact
from service.writing.command import AppendCommand, ProposedEvent

__all__ = ["AppendCommand", "Appender", "BadFact", "ProposedEvent"]
