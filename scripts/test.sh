#!/usr/bin/env bash
# The whole check: types, lint, then every Vitest project. The JSON report feeds .ci/run's count.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run -s typecheck || exit 1
npx biome check . || exit 1
npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json "$@"
