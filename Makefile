# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-pythons lint bench clean compiled test-compiled bench-compiled

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("PyRapide needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rapide shell examples/seed_system.py

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# The suite on other Pythons too, each in a venv of its own (.venv-3.12, ...): a run is
# a function of the architecture, the seed and the decisions on every interpreter.
# PYTHONS names the interpreters (paths or commands); one that does not run is skipped.
PYTHONS ?= python3.11 python3.12 python3.13 python3.14
test-pythons:
	@for py in $(PYTHONS); do \
		if ! $$py -c '' 2>/dev/null; then echo "== $$py: not found, skipped"; continue; fi; \
		venv=.venv-$$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
		echo "== $$py ($$venv)"; \
		test -x $$venv/bin/python || $$py -m venv $$venv || exit 1; \
		$$venv/bin/python -m pip install --quiet -e '.[dev]' || exit 1; \
		$$venv/bin/python -m pytest -n 2 -q -p no:cacheprovider || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check pyrapide rapide_shell plugins tests benchmarks examples hatch_build.py
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The compiled build (opt-in): the delivery path compiled with mypyc, in a venv of its
# own (.venv-compiled); .venv and the checkout stay pure Python. It is built from a
# copy of the checkout (.venv-compiled/tree), where the compiled modules land beside
# their sources: the suite and the benchmarks run there import them, as a user's
# program does from the installed wheel.
CVENV := .venv-compiled
CBIN := $(CVENV)/bin
CTREE := $(CVENV)/tree
CSTAMP := $(CVENV)/.installed

# The copy of the checkout as it is now (tests and benchmarks included, which the
# stamp does not follow), refreshed before each compiled run so none runs stale files.
define COPY_CHECKOUT
	rm -rf $(CTREE) && mkdir -p $(CTREE)
	git ls-files -z --cached --others --exclude-standard \
		| tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar -xf - -C $(CTREE)
endef

$(CSTAMP): pyproject.toml hatch_build.py $(shell git ls-files 'pyrapide/*.py')
	test -x $(CBIN)/python || $(PYTHON) -m venv $(CVENV)
	$(CBIN)/python -m pip install --quiet --upgrade pip
	$(COPY_CHECKOUT)
	$(CBIN)/python -m pip uninstall --quiet --yes pyrapide
	cd $(CTREE) && RAPIDE_COMPILE=1 ../bin/python -m pip install --quiet '.[dev]'
	touch $(CSTAMP)

compiled: $(CSTAMP)
	$(COPY_CHECKOUT)
	cd $(CVENV)/lib/python*/site-packages && find . -name '*.so' -path './pyrapide*' \
		| xargs cp --parents -t $(abspath $(CTREE))

# TESTS narrows the run (CI runs the library's tests there: TESTS=tests/pyrapide).
TESTS ?=
test-compiled: compiled
	cd $(CTREE) && ../bin/python -m pytest -n 2 -q -p no:cacheprovider $(TESTS)

bench-compiled: compiled
	cd $(CTREE) && ../bin/python benchmarks/bench_limit.py

clean:
	rm -rf $(VENV) $(CVENV) .venv-3.* .pytest_cache .mypy_cache .ruff_cache .hypothesis .grimp_cache .import_linter_cache
