#!/usr/bin/env bash
# Runs every ```ts snippet of the README in a brand-new cdk8s app that installs the
# packed library from its tarball, as a user would. Needs the npm registry.
#   npx projen compile && scripts/check-readme-packed.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && npm pack --pack-destination "$work" >/dev/null)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund ./cdk8s-grafana-pomerium-*.tgz cdk8s@^2.70 cdk8s-plus-28@^2.5 constructs@^10.3 ts-node@^10 typescript@~6.0 @types/node@^20 >/dev/null
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "skipLibCheck": true, "types": ["node"] } }
JSON
node -e '
const fs = require("fs");
const readme = fs.readFileSync(process.argv[1], "utf8");
[...readme.matchAll(/```ts\n([\s\S]*?)```/g)].forEach((m, i) => {
  fs.mkdirSync(`snippet-${i + 1}`);
  fs.writeFileSync(`snippet-${i + 1}/main.ts`, m[1]);
});' "$root/README.md"
for dir in snippet-*; do
  (cd "$dir" && npx ts-node --project ../tsconfig.json main.ts && ls -1 dist* >/dev/null) && echo "ok   $dir" || { echo "FAIL $dir"; exit 1; }
done
