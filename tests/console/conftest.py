"""The console's tests use the sending tests' account with a plan and money (``sender``)
and the simulated network."""

from tests.sending.conftest import sender, simulated

__all__ = ["sender", "simulated"]
