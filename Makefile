# The two commands that work on a fresh machine. Everything else is a nox session (`make nox ARGS=-l`).
PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox
NOX_VERSION := 2026.10.20

.DEFAULT_GOAL := help

help:
	@echo "make demo   render the default answers into build/demo"
	@echo "make test   the whole test suite, as CI runs it"
	@echo "make nox ARGS='-s tests'   any nox session"

$(NOX):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check nox==$(NOX_VERSION)

demo: $(NOX)
	$(NOX) -s demo

test: $(NOX)
	$(NOX)

nox: $(NOX)
	$(NOX) $(ARGS)

.PHONY: help demo test nox
