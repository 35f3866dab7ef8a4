# flask-lts maintainer front door. The first target run creates .venv with the
# toolkit (pip-tools, packaging, uv, build, twine, pytest); everything else
# runs from there.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := $(BIN)/flask-lts-tools
STAMP := $(VENV)/.installed
CHANNEL ?=
# pytest arguments, e.g. make test PYTEST_ARGS="-m 'not integration'"
PYTEST_ARGS ?=

.PHONY: help venv resolve resolve-check new-channel test test-unit audit clean

help:
	@echo "make resolve [CHANNEL=2024]   resolve channels into constraints/ (pip-tools on every Python)"
	@echo "make resolve-check            fail if constraints/ is out of date with channels/"
	@echo "make new-channel CHANNEL=2028 FREEZE=2028-06-30   propose a channel file"
	@echo "make audit CHANNEL=2024       check pins against known vulnerabilities (OSV)"
	@echo "make test                     the test suite (unit + integration)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

resolve: $(STAMP)
	$(TOOLS) resolve $(CHANNEL)

resolve-check: $(STAMP)
	$(TOOLS) resolve --check $(CHANNEL)

new-channel: $(STAMP)
	$(TOOLS) new-channel $(CHANNEL) --freeze-date $(FREEZE)

audit: $(STAMP)
	$(TOOLS) audit --channel $(CHANNEL) $(if $(JSON),--json,)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .cache build dist site
