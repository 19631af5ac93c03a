# Set-up and main jobs. `make pamphlets` and `make test` work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Argos Translate is installed without its dependencies: we drive its models with
# ctranslate2 + sentencepiece ourselves and only use argostranslate.package, which needs
# neither stanza nor torch (336 MB venv instead of 1.5 GB). `make bench` adds the rest.
ARGOS := argostranslate==1.11.0
# mupdf-tools: preflight renders every page of every print file with MuPDF (mutool draw).
DEBIAN_PACKAGES := fonts-noto-core fonts-noto-ui-core libharfbuzz-subset0 gettext poppler-utils \
	icc-profiles-free mupdf-tools iproute2 util-linux
# The tests run a real LibreTranslate server (tests/libretranslate/) from a virtualenv of its
# own: it pins numpy<2 and needs torch, which .venv never loads. onnx writes the sentence
# splitter model its Argos fork would otherwise download. `ip` and `unshare` (iproute2,
# util-linux) give the server and its client a network namespace with only loopback up.
LT_VENV := .venv-libretranslate
LT_CONSTRAINTS := tests/libretranslate/constraints.txt

# Reproducible PDFs: the build date printed in colophons is the last commit's date.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

.PHONY: pamphlets test lint bench bench-build bench-translate system clean libretranslate

pamphlets: $(VENV)/.installed system
	$(BIN)/pamphlet update
	$(BIN)/pamphlet check
	$(BIN)/pamphlet build --final

test: $(VENV)/.installed $(LT_VENV)/.installed system
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# constraints.txt pins every package of .venv (not pip itself): same catalogs and PDFs on
# every machine. bench-translate's extra Argos stack is pinned only at torch and argostranslate.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	$(BIN)/pip install -q -c constraints.txt --no-deps $(ARGOS)
	touch $@

# torch==2.13.0 first: the CPU wheel on disk, not a multi-GB CUDA build.
$(LT_VENV)/.installed: $(LT_CONSTRAINTS)
	test -x $(LT_VENV)/bin/python || $(PYTHON) -m venv $(LT_VENV)
	$(LT_VENV)/bin/pip install -q -c $(LT_CONSTRAINTS) torch
	$(LT_VENV)/bin/pip install -q -c $(LT_CONSTRAINTS) libretranslate onnx
	touch $@

libretranslate: $(LT_VENV)/.installed

# Debian packages: fonts for all four languages, msgfmt for checks, pdftotext/pdffonts,
# mutool for preflight.
system:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

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
