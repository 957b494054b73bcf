"""Run by test_sqlite_fallback in a child process on a fresh SQLite database.

Prints, as JSON, what the catalog search answers for a fixed set of queries so the test
can compare the fallback with PostgreSQL on the same small data.
"""

import json
import os
import sys

import django


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from tests.catalog.search import scenario

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0)
    scenario.build()
    print(json.dumps(scenario.answers(AnonymousUser()), ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
