#!/bin/bash
# Runs before the notebook: install what it needs beyond the SageMaker Distribution image.
set -euo pipefail
pip install --quiet 'pandas>=2'
