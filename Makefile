# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make book   build the book into _build/html (creating .venv from the lock if needed)
#   make test   run every test, including a headless-browser test of the built book
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-from-lock

.PHONY: book test lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

book: $(STAMP)
	$(VENV)/bin/compendium build

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# Re-pin requirements.lock from the current .venv (after changing dependencies in pyproject.toml).
lock: $(STAMP)
	$(VENV)/bin/python -m pip freeze --exclude-editable --exclude compendium > requirements.lock

clean:
	rm -rf _build
