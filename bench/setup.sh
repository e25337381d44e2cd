#!/usr/bin/env bash
# Installs what the benchmarks compare against: Debian's scikit-learn for /usr/bin/python3
# (the machine's default python3 may be a pyenv one without it).
set -euo pipefail
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import sklearn' 2>/dev/null; then
  apt-get update -qq
  apt-get install -y -qq python3-sklearn >/dev/null
fi
"$PYTHON" -c 'import sklearn, numpy; print("scikit-learn", sklearn.__version__, "numpy", numpy.__version__)'
