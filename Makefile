# make run  : set up and start the service on SQLite (data/) with the sample reports loaded
# make test : set up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils libgl1 libglib2.0-0 chromium

.PHONY: run extract test setup sysdeps samples bench bench-api bench-ocr eval clean screenshots

# System packages: LibreOffice (DOC/WPS conversion, test fixtures), a CJK font, and the GL/GLib
# libraries OpenCV (opencv-python, which the OCR engine requires) loads.
# chromium: the review page's browser tests (tests/test_review_page.py) and `make screenshots`.
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libGL.so.1 ' || ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libglib-2.0.so.0 ' \
	    || ! test -x /usr/bin/chromium; then \
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

# Labelled corpus (issue #5): the generator's test split (mixed TXT/DOCX/PDF/XLSX + gold) in data/corpus-test/
.PHONY: corpus
corpus: setup
	rm -rf data/corpus-test
	$(BIN)/python corpora/reportgen.py --out data/corpus-test --split test

eval: setup
	$(BIN)/jixiao eval
	$(BIN)/jixiao eval corpora/samples
	$(BIN)/jixiao eval corpora/labelled
	$(MAKE) corpus
	$(BIN)/jixiao eval data/corpus-test

# Models (issue #5): rebuild models/ from corpora/ (generator train split + corpora/labelled train list), reproducibly
.PHONY: train bench-nlp
train: setup
	$(BIN)/jixiao train

# What the NLP layer adds per document on corpora/samples (with/without sections, problems, doc-type classifier)
bench-nlp: setup
	$(BIN)/python bench/bench_nlp.py

bench: setup
	$(BIN)/python bench/bench_parse.py

bench-api: setup
	$(BIN)/python bench/bench_api.py

# OCR: pages/s on 2 workers and character accuracy at 150/200/300 dpi (clean and sealed+tilted scans)
bench-ocr: setup
	$(BIN)/python bench/bench_ocr.py --workers 2

# Batch (issue #8): a generated archive of 200 reports on 2 workers, documents/min, pages/s, RSS, ratio to raw pypdfium2
.PHONY: bench-batch
bench-batch: setup
	$(BIN)/python bench/bench_batch.py --docs 200 --workers 2

# The review page's screenshots in the README (docs/screenshots/*.png): the service on a temporary
# SQLite store with the samples loaded, photographed with Debian's chromium.
screenshots: setup
	$(BIN)/python -m api.web.screenshots

clean:
	rm -rf $(VENV) .pytest_cache
