# make run  : set up and start the service on SQLite (data/) with the sample reports loaded
# make test : set up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils libgl1 libglib2.0-0

.PHONY: run extract test setup sysdeps samples bench bench-api bench-ocr eval clean

# System packages: LibreOffice (DOC/WPS conversion, test fixtures), a CJK font, and the GL/GLib
# libraries OpenCV (opencv-python, which the OCR engine requires) loads.
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libGL.so.1 ' || ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libglib-2.0.so.0 '; then \
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

# The service on SQLite (data/), with the sample reports loaded; prints the URL and a reviewer token.
run: setup
	JIXIAO_DATA_DIR=$${JIXIAO_DATA_DIR:-data} $(BIN)/jixiao db upgrade
	JIXIAO_DATA_DIR=$${JIXIAO_DATA_DIR:-data} $(BIN)/jixiao serve --host 127.0.0.1 --port $${PORT:-8000} --load corpora/samples --reviewer-token reviewer

# Extract the sample reports to a workbook (what `make run` did before the service).
extract: setup
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

bench-api: setup
	$(BIN)/python bench/bench_api.py

# OCR: pages/s on 2 workers and character accuracy at 150/200/300 dpi (clean and sealed+tilted scans)
bench-ocr: setup
	$(BIN)/python bench/bench_ocr.py --workers 2

clean:
	rm -rf $(VENV) .pytest_cache
