#!/usr/bin/env bash
# One entry point for people and CI:
#   ./run.sh demo   set up, load the demo catalogue and serve it on http://127.0.0.1:5000/
#   ./run.sh test   set up and run the whole test suite
#   ./run.sh setup  only create .venv and install the project with its test tools
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}

setup() {
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
  fi
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    touch .venv/.installed
  fi
  # Reference implementations the tests compare against, which pin other versions of our dependencies
  # (SDMetrics needs pandas 2): a venv of their own, never imported by the project.
  if [ ! -x .venv-reference/bin/python ] || [ run.sh -nt .venv-reference/.installed ]; then
    "$PYTHON" -m venv .venv-reference
    .venv-reference/bin/python -m pip install --quiet 'sdmetrics==0.32.0'
    touch .venv-reference/.installed
  fi
}

case "${1:-}" in
  setup)
    setup
    ;;
  demo)
    setup
    shift
    exec .venv/bin/publish demo "$@"
    ;;
  test)
    setup
    shift
    exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test|setup" >&2
    exit 2
    ;;
esac
