#!/usr/bin/env bash
# Once, after the feature branches are merged: rewrites the tree in Prettier's style, applies ESLint's fixes,
# then runs the checks CI runs before the tests. Commit what it changes as one formatting-only commit.
set -euo pipefail
cd "$(dirname "$0")/.."

npx prettier --write --log-level warn .
npx eslint --fix .
# A fix (a type-only import split off, say) can leave a line Prettier would lay out otherwise.
npx prettier --write --log-level warn .

npm run build --silent
npm run typecheck --silent
npm run lint
npm run format:check
# The generated documents must not change with the code's layout.
generated="$(mktemp -d)"
node dist/scripts/openapi.js "$generated/openapi.json"
diff -u openapi.json "$generated/openapi.json"
node dist/scripts/insomnia.js openapi.json "$generated/billing-gateway.json"
diff -u billing-gateway.json "$generated/billing-gateway.json"
rm -r "$generated"
git status --short | wc -l | xargs echo "files changed:"
