# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make book   build the book into _build/html (creating .venv from the lock if needed)
#   make test   run every test, including a headless-browser test of the built book
#               (installs Debian's chromium and poppler-utils first when run as root)
# and one more for readers who want paper:
#   make pdf    the whole book as one PDF, _build/pdf/book.pdf
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-from-lock
# uv installs the lock in seconds where pip takes minutes; pinned so every checkout gets the same
# installer. When it cannot be had (no wheel for this platform, no index), or with INSTALLER=pip,
# pip does the same job. --compile-bytecode makes uv do what pip does by default: store every
# module compiled, so each of the book's two dozen notebook kernels imports numpy, scipy, pandas and
# matplotlib from bytecode (where PYTHONDONTWRITEBYTECODE is set, nothing else ever compiles them and
# each kernel would spend seconds recompiling).
UV_VERSION := 0.13.9
INSTALLER ?= uv
PIP := $(VENV)/bin/python -m pip --quiet --disable-pip-version-check
UV := $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(VENV)/bin/python

.PHONY: book test pdf lock clean system-packages

$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	{ [ "$(INSTALLER)" = uv ] && $(PIP) install "uv==$(UV_VERSION)" 2>/dev/null && \
	  $(UV) -r requirements.lock && $(UV) --no-deps -e . ; } || \
	{ $(PIP) install -r requirements.lock && $(PIP) install --no-deps -e . ; }
	touch $@

book: $(STAMP)
	$(VENV)/bin/compendium build

pdf: $(STAMP) system-packages
	$(VENV)/bin/compendium build --pdf

# Checked before any test runs: the browser test and the PDF test need these.
system-packages:
	@sh tools/system-packages.sh

test: $(STAMP) system-packages
	$(VENV)/bin/python -m pytest

# Re-pin requirements.lock from the current .venv (after changing dependencies in pyproject.toml).
lock: $(STAMP)
	$(VENV)/bin/python -m pip freeze --exclude-editable --exclude compendium --exclude uv > requirements.lock

clean:
	rm -rf _build
