# Zone Timeline Explorer. Quick start: `make run` (the app) and `make test` (the suite).
# Both create .venv/ inside the checkout and install the pinned versions of requirements.lock.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     := db/events.sqlite
SOURCES := $(wildcard db/*.toml db/*/*.toml)
SYSDEPS := $(VENV)/.sysdeps
TS      := $(wildcard resources/i18n/*.ts)
QM      := $(TS:.ts=.qm)

.PHONY: run test lint bench package self-test db clean screenshots i18n

$(SYSDEPS): tools/system-deps.sh
	@PYTHON=$(PYTHON) bash tools/system-deps.sh
	@mkdir -p $(VENV) && touch $@

# A .venv left without pip (made by a Python lacking ensurepip) is made again.
$(STAMP): pyproject.toml requirements.lock
	@$(PY) -c "import pip" 2>/dev/null || $(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==$$(sed -n 's/^pip==//p' requirements.lock)"
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test,package]'
	@touch $@

resources/i18n/%.qm: resources/i18n/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

# Refresh the .ts sources from the code (then translate the new messages).
i18n: $(STAMP)
	bash tools/update_translations.sh

$(DB): $(SOURCES) | $(STAMP)
	$(PY) -m explorer db build --out $(DB)

db: $(DB)

# Open the main window (on the database open when it last closed, else db/events.sqlite).
# With no display, it runs on a virtual one (xvfb-run).
run: $(SYSDEPS) $(STAMP) $(DB) $(QM)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ -n "$$QT_QPA_PLATFORM" ]; then \
		$(PY) -m explorer; \
	else \
		echo "No display: running on a virtual X display (xvfb-run)."; \
		xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) -m explorer; \
	fi

test: $(SYSDEPS) $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check explorer tests tools
	$(VENV)/bin/lint-imports

bench: $(SYSDEPS) $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/perf/bench.py --sizes 1000,100000,1000000 --json bench.json

package: $(SYSDEPS) $(STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec

self-test: package
	home=$$(mktemp -d) && status=0 && env -i HOME=$$home PATH=/usr/bin:/bin dist/zone-timeline/zone-timeline --self-test || status=$$?; rm -rf "$$home"; exit $$status

screenshots: $(STAMP) $(DB) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m explorer --db $(DB) --lang zh_CN render --from 2016 --select a000-sanhua-sanzhi-2019 -o docs/screenshot.png

clean:
	rm -rf build dist $(DB) .pytest_cache .ruff_cache
