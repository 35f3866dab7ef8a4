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
# pytest arguments, e.g. make test PYTEST_ARGS="-m 'not integration'"; the suite runs
# on every core (pytest-xdist): most of its time is spent in pip and subprocesses. The
# 25 slowest tests are listed at the end: where the CI run's time goes.
PYTEST_ARGS ?= -n auto --durations=25

# verify: CHANNEL=2024 (every claimed Python) or CONSTRAINTS=file PYTHON=3.11;
# PYTHON=3.12 narrows; STAGES=install,imports narrows; STRICT=1 fails on warnings.
PYTHON ?=
CONSTRAINTS ?=
STAGES ?=
STRICT ?=
# JOBS=3 sets how many (channel, Python) verifications run at once (default: twice the cores).
JOBS ?=
ALL_CHANNELS = $(patsubst channels/%.toml,%,$(wildcard channels/*.toml))
VERIFY_ARGS = $(foreach c,$(CHANNEL),--channel $(c)) $(if $(CONSTRAINTS),--constraints $(CONSTRAINTS),) \
	$(foreach p,$(PYTHON),--python $(p)) $(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,) \
	$(if $(JOBS),--jobs $(JOBS),)

.PHONY: help venv browser import-graph resolve resolve-check new-channel verify verify-all controls dated-sets wild-sets merge-reports refresh api-diff upgrade-report scan-measure bench-resolve bench-canaries bench-verify dockerfiles dockerfiles-check docker-lint docker-context docker-test canaries canaries-merge site dist publish bench-installer test test-unit audit advisories clean

help:
	@echo "make resolve [CHANNEL=2024]   resolve channels into constraints/ (uv on every Python, pip-tools where pins change)"
	@echo "make resolve-check            fail if constraints/ is out of date with channels/"
	@echo "make new-channel CHANNEL=2028 FREEZE=2028-06-30   propose a channel file"
	@echo "make verify CHANNEL=2024 [PYTHON=3.12] [STAGES=install,imports] [STRICT=1]"
	@echo "make verify CONSTRAINTS=pins.txt PYTHON=3.11   verify any pinned set"
	@echo "make controls [STAGES=install,pip-check,imports,apps] [JOBS=2] [ONLY=slug]   every verifier control (real broken sets and twins): reports/controls/"
	@echo "make dated-sets [STAGES=...] [ONLY=2021-06-30-py3.8]   the catalogue as the index stood on five dates (tests/data/sets/dated/), each verified in turn: reports/dated/"
	@echo "make wild-sets [STAGES=...] [ONLY=mwdb-core-2023]   real apps' own pinned files (tests/data/sets/wild/), each on its Python: reports/wild/"
	@echo "make refresh CHANNEL=2024 [DRY_RUN=1]   new patch releases in the series, re-verified (DRY_RUN=1 without CHANNEL: every channel)"
	@echo "make api-diff PACKAGE=werkzeug OLD=2.3.8 NEW=3.0.0   public API difference between two releases (griffe)"
	@echo "make upgrade-report FROM=2022 TO=2024   what moving between two channels breaks: reports/upgrade/2022-to-2024.md (+ .json)"
	@echo "make scan-measure FROM=2024 TO=2026 [SUBJECT=name] [REJUDGE=1]   flask-lts scan measured on real suites: reports/scan/"
	@echo "make canaries CHANNEL=2024 [PYTHON=3.12] [CANARY=name] [SHARD=1/3]   downstream projects' suites under the channel (docs/canaries.md)"
	@echo "make canaries-merge CHANNEL=2024 [PYTHON=3.12] [SHARDS=dir]   merge the shard reports into the channel's canary report"
	@echo "make audit CHANNEL=2024       check pins against known vulnerabilities (OSV)"
	@echo "make advisories [OSV_ZIP=all.zip] [ADVISORY_GIT=dir]   refresh advisories/ from the OSV export and the PyPA database"
	@echo "make dockerfiles              regenerate docker/ and docker-bake.hcl (make dockerfiles-check: exit 1 if stale)"
	@echo "make docker-lint              hadolint on every Dockerfile"
	@echo "make docker-test [CHANNEL=2024] [PYTHON=3.13] [ALL_PYTHONS=1]   build the images with podman and exercise them"
	@echo "make dist [CHANNEL=2024]      build the installer package flask-lts (sdist + wheel) into dist/"
	@echo "make publish CHANNEL=2024 REPOSITORY_URL=URL   upload it with twine (TWINE_USERNAME/TWINE_PASSWORD); safe to re-run"
	@echo "make site [CHECK=1]           publish new serials into published/, build site/ (docs/site.md)"
	@echo "make test                     the test suite (unit + integration); installs what it needs (Chromium) first"
	@echo "make import-graph             the toolkit's import graph; exit 1 on a cycle"

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

# Every channel on every Python it claims, as one pool of workers (longest first).
verify-all: $(STAMP)
	$(TOOLS) verify $(foreach c,$(ALL_CHANNELS),--channel $(c)) $(foreach p,$(PYTHON),--python $(p)) \
		$(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,) $(if $(JOBS),--jobs $(JOBS),)

# The verifier's controls (tests/data/controls/*.toml), each verified as a user runs
# `make verify CONSTRAINTS=<file> PYTHON=<X.Y>`: caught / missed / false alarms in reports/controls/.
controls: $(STAMP)
	$(TOOLS) controls $(if $(STAGES),--stages $(STAGES),) --jobs $(or $(JOBS),2) $(foreach s,$(ONLY),--only $(s))

# The catalogue resolved as the index stood on five dates (tests/data/sets/dated/<DAY>-py<X.Y>.txt,
# each file's header says how), verified one set at a time on the Python its name carries:
# what the verifier says of sets nobody curated (docs/verify.md, "Any pinned set").
DATED_SETS = $(if $(ONLY),$(foreach s,$(ONLY),tests/data/sets/dated/$(s).txt),$(wildcard tests/data/sets/dated/*.txt))
dated-sets: $(STAMP)
	@set -e; for f in $(DATED_SETS); do \
		py=$${f##*-py}; py=$${py%.txt}; \
		$(TOOLS) verify --constraints $$f --python $$py --reports-dir reports/dated --jobs 1 \
			$(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,) || status=1; \
	done; exit $${status:-0}

# Real apps' own pinned files (tests/data/sets/wild/<slug>.txt, source and commit in each
# header), verified one at a time on the Python its `# python:` line names: reports/wild/.
WILD_SETS = $(if $(ONLY),$(foreach s,$(ONLY),tests/data/sets/wild/$(s).txt),$(wildcard tests/data/sets/wild/*.txt))
wild-sets: $(STAMP)
	@set -e; for f in $(WILD_SETS); do \
		py=$$(sed -n 's/^# python: *\([0-9][0-9.]*\).*/\1/p' $$f | head -1); \
		test -n "$$py" || { echo "$$f: no '# python: X.Y' line (add the Python the set is verified on)" >&2; exit 2; }; \
		$(TOOLS) verify --constraints $$f --python $$py --reports-dir reports/wild --jobs 1 \
			$(if $(STAGES),--stages $(STAGES),) $(if $(STRICT),--strict,) || status=1; \
	done; exit $${status:-0}

merge-reports: $(STAMP)
	$(TOOLS) merge-reports $(or $(REPORTS),reports/*/) $(if $(OUT),-o $(OUT),)

# Benchmarks print figures (docs/benchmarks.md records them); they are not tests.
bench-resolve: $(STAMP)
	$(BIN)/python bench/bench.py resolve $(foreach c,$(CHANNEL),--channel $(c))
	$(BIN)/python bench/bench.py resolve --cold $(foreach c,$(CHANNEL),--channel $(c))

bench-canaries: $(STAMP)
	$(BIN)/python bench/bench.py canaries --channel $(or $(CHANNEL),2024) --counts 5,10
	$(BIN)/python bench/bench.py canaries --cold --channel $(or $(CHANNEL),2024)

bench-verify: $(STAMP)
	$(BIN)/python bench/bench.py verify $(foreach c,$(CHANNEL),--channel $(c)) $(if $(STAGES),--stages $(STAGES),) $(if $(JOBS),--jobs $(JOBS),)
	$(BIN)/python bench/bench.py verify --cold $(foreach c,$(CHANNEL),--channel $(c)) $(if $(STAGES),--stages $(STAGES),) $(if $(JOBS),--jobs $(JOBS),)

# canaries: the suites of projects that depend on the channel, judged against its baseline.
# SHARD=2/3 runs one of 3 shards of similar time (CI's matrix) and writes
# reports/canaries/<channel>/py<X.Y>.shard-2-of-3.json; canaries-merge makes the shards'
# reports (found under SHARDS, default the channel's reports folder) the channel's report.
CANARY ?=
SHARD ?=
SHARDS ?=

canaries: $(STAMP)
	$(TOOLS) canaries --channel $(or $(CHANNEL),$(error CHANNEL=name is required)) $(foreach p,$(PYTHON),--python $(p)) \
		$(foreach c,$(CANARY),--canary $(c)) $(if $(JOBS),--jobs $(JOBS),) $(if $(SHARD),--shard $(SHARD),)

canaries-merge: $(STAMP)
	$(TOOLS) canaries-merge --channel $(or $(CHANNEL),$(error CHANNEL=name is required)) $(foreach p,$(PYTHON),--python $(p)) $(SHARDS)

refresh: $(STAMP)
	$(TOOLS) refresh $(CHANNEL) $(if $(DRY_RUN),--dry-run,) $(if $(STAGES),--stages $(STAGES),)

api-diff: $(STAMP)
	$(TOOLS) api-diff $(or $(PACKAGE),$(error PACKAGE=name is required)) $(or $(OLD),$(error OLD=version is required)) \
		$(or $(NEW),$(error NEW=version is required))

# upgrade-report: per package whose pin changes, the API difference, the FROM channel's
# deprecation warnings that became removals, the curated changelog entries (channels/upgrades/),
# the scan rules and the compat apps' changes (docs/upgrade.md). Needs reports/<FROM>/ (make verify).
FROM ?=
TO ?=

upgrade-report: $(STAMP)
	$(TOOLS) upgrade-report --from $(or $(FROM),$(error FROM=channel is required)) --to $(or $(TO),$(error TO=channel is required)) \
		$(foreach p,$(PYTHON),--python $(p))

# scan-measure: flask-lts scan's predictions against real projects' own suites across a move
# (the canaries, and older projects in channels/canaries/scan-subjects.toml): reports/scan/<FROM>-to-<TO>.md
# (+ .json); SUBJECT=name narrows (the report is then printed, not written); REJUDGE=1 runs
# nothing and judges the written report again with the subjects file's verdicts (docs/scan.md).
SUBJECT ?=
REJUDGE ?=

scan-measure: $(STAMP)
	$(TOOLS) scan-measure --from $(or $(FROM),$(error FROM=channel is required)) --to $(or $(TO),$(error TO=channel is required)) \
		$(foreach p,$(PYTHON),--python $(p)) $(foreach s,$(SUBJECT),--subject $(s)) $(if $(REJUDGE),--rejudge,)

# -- Docker base images (docs/docker.md) -----------------------------------------------
dockerfiles: $(STAMP)
	$(TOOLS) dockerfiles

dockerfiles-check: $(STAMP)
	$(TOOLS) dockerfiles --check

docker-lint: $(STAMP)
	$(BIN)/hadolint --failure-threshold style docker/*/py*/Dockerfile

# What the images copy in besides committed files: every channel's installer wheel in dist/.
docker-context: $(STAMP)
	$(TOOLS) dist

# Build each channel's Dockerfile, unmodified, with podman on a stand-in for python:X.Y-slim
# made from Debian's packages, and exercise it in a derived image (docs/docker.md). Installs
# podman and mmdebstrap with apt when they are missing (as root). FRESH_BASE=1 remakes the bases.
ALL_PYTHONS ?=
FRESH_BASE ?=

docker-test: $(STAMP)
	$(TOOLS) dist
	$(TOOLS) docker-test $(foreach c,$(CHANNEL),--channel $(c)) $(foreach p,$(PYTHON),--python $(p)) \
		$(if $(ALL_PYTHONS),--all-pythons,) $(if $(FRESH_BASE),--fresh-base,)

new-channel: $(STAMP)
	$(TOOLS) new-channel $(CHANNEL) --freeze-date $(FREEZE)

audit: $(STAMP)
	$(TOOLS) audit --channel $(CHANNEL) $(if $(JSON),--json,)

# advisories: refresh advisories/ (docs/audit.md). Without OSV_ZIP or ADVISORY_GIT it downloads
# the OSV export of PyPI and clones the PyPA advisory database; either may be a local copy.
OSV_ZIP ?=
ADVISORY_GIT ?=

advisories: $(STAMP)
	$(TOOLS) advisories $(foreach z,$(OSV_ZIP),--osv-zip $(z)) $(foreach g,$(ADVISORY_GIT),--git $(g))

# -- the installer package flask-lts (docs/installer.md) ----------------------------------
# make dist [CHANNEL=2024]: its sdist and wheel into dist/ (every channel without CHANNEL).
dist: $(STAMP)
	$(TOOLS) dist $(CHANNEL)

# make publish CHANNEL=2024 REPOSITORY_URL=<upload URL> [INDEX_URL=…]
# Credentials only in twine's own variables (TWINE_USERNAME, TWINE_PASSWORD) or keyring.
# Safe to re-run after a failure: files the index already has (same sha256) are skipped.
REPOSITORY_URL ?=
INDEX_URL ?=

publish: $(STAMP)
	$(TOOLS) dist $(or $(CHANNEL),$(error CHANNEL=name is required))
	$(TOOLS) publish $(CHANNEL) $(if $(REPOSITORY_URL),--repository-url $(REPOSITORY_URL),) $(if $(INDEX_URL),--index-url $(INDEX_URL),)

bench-installer: $(STAMP)
	$(BIN)/python bench/bench_installer.py $(if $(CHANNEL),--channel $(CHANNEL),)

# site: add each channel's current serial to published/ (refused if a published file would
# change; commit published/), then build site/ (docs/site.md). CHECK=1 (CI) publishes
# nothing and fails if a current serial is missing. SITE_ARGS="--today 2026-11-24 --base-url URL"
SITE_ARGS ?=

site: $(STAMP)
	$(TOOLS) archive $(if $(CHECK),--check,)
	$(TOOLS) site --out site $(SITE_ARGS)

# The site's browser test drives Debian's Chromium and ChromeDriver: installed here when
# missing (as root, or through sudo), so that `make test` alone passes on a fresh machine.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium and chromium-driver for the site's browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	elif command -v sudo >/dev/null; then \
		echo "installing Debian's chromium and chromium-driver (sudo) for the site's browser test"; \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "error: the site's browser test needs chromium and chromedriver; install Debian's chromium and chromium-driver" >&2; exit 1; \
	fi

import-graph: $(STAMP)
	$(TOOLS) import-graph

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .cache build dist site
