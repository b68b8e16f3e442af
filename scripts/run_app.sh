#!/usr/bin/env bash
# The README's first command: install the app's pinned requirements and open it on the default view.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install -q -r requirements.txt
exec "$PYTHON" -m streamlit run app.py "$@"
