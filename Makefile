# make run  : set up and run jixiao on the sample reports (embedded default: local files)
# make test : set up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils

.PHONY: run test setup sysdeps samples bench eval clean

# System packages: LibreOffice (DOC/WPS conversion, test fixtures) and a CJK font.
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v pdftoppm >/dev/null 2>&1; then \
	  echo "installing system packages: $(APT_PACKAGES)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

setup: sysdeps $(BIN)/.installed

run: setup
	$(BIN)/jixiao extract corpora/samples/*.pdf corpora/samples/*.docx corpora/samples/*.doc corpora/samples/*.xlsx corpora/samples/*.txt --xlsx data/samples-extracted.xlsx

test: setup
	$(BIN)/pytest -q

samples: setup
	$(BIN)/python corpora/samplegen.py --out corpora/samples

eval: setup
	$(BIN)/jixiao eval
	$(BIN)/jixiao eval corpora/samples

bench: setup
	$(BIN)/python bench/bench_parse.py

clean:
	rm -rf $(VENV) .pytest_cache
