# Set-up and main jobs. `make pamphlets` and `make test` work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Argos Translate is installed without its dependencies: we drive its models with
# ctranslate2 + sentencepiece ourselves and only use argostranslate.package, which needs
# neither stanza nor torch (336 MB venv instead of 1.5 GB). `make bench` adds the rest.
ARGOS := argostranslate==1.11.0
# mupdf-tools: preflight renders every page of every print file with MuPDF (mutool draw).
# chromium, nodejs (and npm, below): the web edition's browser tests (tests/browser/).
DEBIAN_PACKAGES := fonts-noto-core fonts-noto-ui-core libharfbuzz-subset0 gettext poppler-utils \
	icc-profiles-free mupdf-tools iproute2 util-linux chromium nodejs
# The tests run a real LibreTranslate server (tests/libretranslate/) from a virtualenv of its
# own: it pins numpy<2 and needs torch, which .venv never loads. onnx writes the sentence
# splitter model its Argos fork would otherwise download. `ip` and `unshare` (iproute2,
# util-linux) give the server and its client a network namespace with only loopback up.
LT_VENV := .venv-libretranslate
LT_CONSTRAINTS := tests/libretranslate/constraints.txt
# Lighthouse, axe-core and puppeteer-core, exactly as tests/browser/package-lock.json pins them.
BROWSER_TESTS := tests/browser/node_modules/.installed

# Reproducible PDFs: the build date printed in colophons is the last commit's date.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

.PHONY: pamphlets test lint docs reference bench bench-build bench-translate system clean \
	libretranslate weblate-test weblate-system

# Every edition pyproject.toml's `outputs` names: PDFs, print files, Markdown, the web edition.
pamphlets: $(VENV)/.installed system
	$(BIN)/pamphlet update
	$(BIN)/pamphlet check
	$(BIN)/pamphlet build --final

# Seeds fixed (hypothesis' ci profile, the interrupt points of
# tests/guarantees/test_robustness.py): a failure in CI reproduces as it is. `pytest`
# alone draws fresh ones.
test: $(VENV)/.installed $(LT_VENV)/.installed system $(BROWSER_TESTS)
	$(BIN)/ruff check .
	$(BIN)/mypy
	HYPOTHESIS_PROFILE=ci PAMPHLET_INTERRUPT_SEED=$${PAMPHLET_INTERRUPT_SEED:-2026} \
	  $(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# The documentation site, in build/docs/ (open build/docs/index.html). --strict: a broken
# link or anchor between pages fails the build (not with --quiet: mkdocs 1.6.1 then counts no
# warnings).
docs: $(VENV)/.installed
	$(BIN)/mkdocs build --strict

# docs/reference/{cli,configuration,checks}.md from the parser, the settings table and the
# check registry (tests/cross_cutting/test_docs.py fails when they drift).
reference: $(VENV)/.installed
	$(BIN)/python -m workflow.docgen

# constraints.txt pins every package of .venv (not pip itself): same catalogs and PDFs on
# every machine. bench-translate's extra Argos stack is pinned only at torch and argostranslate.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,docs]'
	$(BIN)/pip install -q -c constraints.txt --no-deps $(ARGOS)
	touch $@

# torch==2.13.0 first: the CPU wheel on disk, not a multi-GB CUDA build.
$(LT_VENV)/.installed: $(LT_CONSTRAINTS)
	test -x $(LT_VENV)/bin/python || $(PYTHON) -m venv $(LT_VENV)
	$(LT_VENV)/bin/pip install -q -c $(LT_CONSTRAINTS) torch
	$(LT_VENV)/bin/pip install -q -c $(LT_CONSTRAINTS) libretranslate onnx
	touch $@

libretranslate: $(LT_VENV)/.installed

$(BROWSER_TESTS): tests/browser/package-lock.json | system
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The team recipe (weblate/, docs/how-to/weblate.md) against a real Weblate 5.14.3 with
# PostgreSQL, started and stopped by tests/weblate/ (3 to 5 minutes, and building Weblate's
# dependencies takes longer than CI allows: not part of `make test`). Weblate lives in a
# virtualenv of its own, pinned by weblate/constraints.txt. Debian packages: PostgreSQL, and
# the headers and typelibs that borgbackup, pycairo, PyGObject and tesserocr build against.
WL_VENV := .venv-weblate
WL_DEBIAN_PACKAGES := postgresql git liblz4-dev libzstd-dev libxxhash-dev libacl1-dev \
	libssl-dev pkg-config libcairo2-dev libgirepository1.0-dev gir1.2-rsvg-2.0 \
	gir1.2-pango-1.0 libtesseract-dev libleptonica-dev

$(WL_VENV)/.installed: weblate/constraints.txt
	test -x $(WL_VENV)/bin/python || $(PYTHON) -m venv $(WL_VENV)
	$(WL_VENV)/bin/pip install -q -c weblate/constraints.txt 'weblate[postgres]'
	touch $@

weblate-system:
	$(MAKE) system DEBIAN_PACKAGES="$(WL_DEBIAN_PACKAGES)"

weblate-test: $(VENV)/.installed system weblate-system $(WL_VENV)/.installed
	PAMPHLET_WEBLATE_VENV=$(WL_VENV) $(BIN)/python -m pytest -q tests/weblate

# Debian packages: fonts for all four languages, msgfmt for checks, pdftotext/pdffonts,
# mutool for preflight.
system:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# npm: Debian's package, unless the Node.js installed brings its own (NodeSource's does)
	@command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }

bench: bench-build bench-translate

bench-build: $(VENV)/.installed system
	$(BIN)/python benchmarks/bench_build.py

# The benchmark compares with argostranslate.translate(), which needs stanza and torch, and
# with a LibreTranslate server (its own virtualenv), in a network namespace (root).
# torch==2.13.0 first: the CPU wheel on disk, not a multi-GB CUDA build.
bench-translate: $(VENV)/.installed $(LT_VENV)/.installed system
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt $(ARGOS)
	$(BIN)/python benchmarks/bench_translate.py

clean:
	rm -rf build
