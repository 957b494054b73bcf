# The two commands of the README: `make run` (embedded default) and `make test`.
.PHONY: run test lint messages bench-help

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles && \
	.venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
