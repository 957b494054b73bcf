# The two commands of the README: `make run` (embedded default) and `make test`.
.PHONY: run test lint messages bench-help fuzz

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# The fuzzing gate at length: 100 cases per operation, every case as every persona, and
# schemathesis' coverage phase (CI runs a 25-case budget as part of `make test`).
fuzz:
	FUZZ_EXAMPLES=100 FUZZ_THOROUGH=1 bash scripts/test.sh tests/security/test_fuzz_api.py

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles && \
	.venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
