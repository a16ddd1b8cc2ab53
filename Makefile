# journeymap: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/journeymap
# Debian packages: Korean, CJK and emoji fonts and the browser that makes PDFs for the app; the
# suite also needs poppler and gettext (the committed translations are checked against their
# source).
RUN_DEBS := fonts-nanum fonts-wqy-microhei fonts-noto-color-emoji chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_DEBS := $(RUN_DEBS) poppler-utils gettext
PYTEST_ARGS ?=
# axe-core for the accessibility checks of the browser tests, from the npm registry.
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: run test test-sqlite test-postgres soak lint format bench install debs-run debs-test axe clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Installs missing Debian packages when we are root (as on CI and the dev machines);
# otherwise says what to install.
define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; fi; \
	fi
endef

debs-run:
	$(call install_debs,$(RUN_DEBS))

debs-test:
	$(call install_debs,$(TEST_DEBS))

$(AXE):
	@command -v npm >/dev/null || { echo "Installing npm from Debian"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

axe: $(AXE)

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install debs-run var/secret_key
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  journeymap is running:  http://127.0.0.1:$(PORT)/"
	@echo "  Log in as  facilitator / journeymap-demo  and open the demo map, or run the demo"
	@echo "  workshop from http://127.0.0.1:$(PORT)/workshops/ (participants join at /join/)."
	@echo "  (Admin: http://127.0.0.1:$(PORT)/admin/ with the same login. Ctrl+C stops.)"
	@echo ""
	@DEBUG=0 SECRET_KEY="$$(cat var/secret_key)" SECURE_COOKIES=0 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 \
	  ALLOWED_HOSTS="127.0.0.1,localhost" \
	  $(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) --websocket_connect_timeout 30 journeymap.asgi:application

# The whole suite, once on SQLite and once on PostgreSQL. STRICT=1 (CI) turns every skip
# for a missing service, font or browser into a failure.
test: install debs-test $(AXE) test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL="$(or $(DATABASE_URL),$(PG_URL))" $(PY) -m pytest $(PYTEST_ARGS)

# The convergence soak at full size (CI runs it short): 50 clients, 10,000 operations, on
# SQLite and on PostgreSQL. Reports go to artifacts/soak-*.json; SOAK_SEED replays a failure.
SOAK_CLIENTS ?= 50
SOAK_OPERATIONS ?= 10000
soak: install
	env -u DATABASE_URL SOAK_CLIENTS=$(SOAK_CLIENTS) SOAK_OPERATIONS=$(SOAK_OPERATIONS) \
	  $(PY) -m pytest -s tests/test_soak.py
	DATABASE_URL="$(or $(DATABASE_URL),$(PG_URL))" SOAK_CLIENTS=$(SOAK_CLIENTS) \
	  SOAK_OPERATIONS=$(SOAK_OPERATIONS) $(PY) -m pytest -s tests/test_soak.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) benchmarks/run.py
	$(PY) benchmarks/board_weight.py
	$(PY) benchmarks/exports.py
	$(PY) benchmarks/printing.py
	$(PY) benchmarks/print_load.py
	$(PY) benchmarks/fanout.py
	$(PY) benchmarks/flood.py
	$(PY) benchmarks/imports.py
	$(PY) benchmarks/figures.py
	BENCH_DATABASE_URL="$(PG_URL)_bench" $(PY) benchmarks/imports.py
	$(PY) benchmarks/table.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache
