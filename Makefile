# flask-lts maintainer front door. The first target run creates .venv with the
# toolkit (pip-tools, packaging, uv, build, twine, pytest); everything else
# runs from there.
# the interpreter that runs the toolkit itself
PYTHON_TOOLKIT ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := $(BIN)/flask-lts-tools
STAMP := $(VENV)/.installed
CHANNEL ?=
# pytest arguments, e.g. make test PYTEST_ARGS="-m 'not integration'"
PYTEST_ARGS ?=

# verify: CHANNEL=2024 (every claimed Python) or CONSTRAINTS=file PYTHON=3.11;
# PYTHON=3.12 narrows; STAGES=install,imports narrows; STRICT=1 fails on warnings.
PYTHON ?=
CONSTRAINTS ?=
STAGES ?=
STRICT ?=
VERIFY_ARGS = $(if $(CHANNEL),--channel $(CHANNEL),) $(if $(CONSTRAINTS),--constraints $(CONSTRAINTS),) \
	$(foreach p,$(PYTHON),--python $(p)) $(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,)

.PHONY: help venv resolve resolve-check new-channel verify verify-all merge-reports refresh bench-resolve bench-verify test test-unit audit clean

help:
	@echo "make resolve [CHANNEL=2024]   resolve channels into constraints/ (pip-tools on every Python)"
	@echo "make resolve-check            fail if constraints/ is out of date with channels/"
	@echo "make new-channel CHANNEL=2028 FREEZE=2028-06-30   propose a channel file"
	@echo "make verify CHANNEL=2024 [PYTHON=3.12] [STAGES=install,imports] [STRICT=1]"
	@echo "make verify CONSTRAINTS=pins.txt PYTHON=3.11   verify any pinned set"
	@echo "make refresh CHANNEL=2024 [DRY_RUN=1]   new patch releases in the series, re-verified"
	@echo "make audit CHANNEL=2024       check pins against known vulnerabilities (OSV)"
	@echo "make test                     the test suite (unit + integration)"

$(STAMP): pyproject.toml
	$(PYTHON_TOOLKIT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

resolve: $(STAMP)
	$(TOOLS) resolve $(CHANNEL)

resolve-check: $(STAMP)
	$(TOOLS) resolve --check $(CHANNEL)

verify: $(STAMP)
ifeq ($(CHANNEL)$(CONSTRAINTS),)
	$(MAKE) verify-all
else
	$(TOOLS) verify $(VERIFY_ARGS)
endif

verify-all: $(STAMP)
	@rc=0; for c in $$(ls channels/*.toml | xargs -n1 basename | sed 's/.toml$$//'); do \
		$(TOOLS) verify --channel $$c $(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,) || rc=1; done; exit $$rc

merge-reports: $(STAMP)
	$(TOOLS) merge-reports $(or $(REPORTS),reports/*/) $(if $(OUT),-o $(OUT),)

# Benchmarks print figures (docs/benchmarks.md records them); they are not tests.
bench-resolve: $(STAMP)
	$(BIN)/python bench/bench.py resolve $(foreach c,$(CHANNEL),--channel $(c))
	$(BIN)/python bench/bench.py resolve --cold $(foreach c,$(CHANNEL),--channel $(c))

bench-verify: $(STAMP)
	$(BIN)/python bench/bench.py verify $(foreach c,$(CHANNEL),--channel $(c)) $(if $(STAGES),--stages $(STAGES),)
	$(BIN)/python bench/bench.py verify --cold $(foreach c,$(CHANNEL),--channel $(c)) $(if $(STAGES),--stages $(STAGES),)

refresh: $(STAMP)
	$(TOOLS) refresh $(or $(CHANNEL),$(error CHANNEL=name is required)) $(if $(DRY_RUN),--dry-run,) $(if $(STAGES),--stages $(STAGES),)

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
