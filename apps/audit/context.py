"""Who is acting when no caller says so: the current web request or a named system job."""

import contextvars
import sys
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    name: str


class _System:
    """`actor=SYSTEM`: the system job in the current context (or the running process)."""

    def resolve(self) -> SystemActor:
        job = current_job.get()
        if job:
            return SystemActor(job)
        return SystemActor("process:" + " ".join(sys.argv[:2])[:190])


SYSTEM = _System()

current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)
current_job: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_job", default=None)


@contextmanager
def system_job(name: str):
    """Attributes every event recorded inside the block to the system job `name`."""
    token = current_job.set(name)
    try:
        yield
    finally:
        current_job.reset(token)
