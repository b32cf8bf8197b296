#!/usr/bin/env bash
# Regenerates the committed test fixture Fixtures/multilingual.gpt2-ids.json: the GPT-2 ids of
# Fixtures/multilingual.txt according to the npm package gpt-3-encoder (special-token text encoded
# as plain text), cross-checked against the encoder.py transcription when Python's regex module is there.
# usage: tools/bpe-parity/make-fixture.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="$root/tests/LlmForge.Models.Tests/Tokenization/Fixtures"
work="$root/artifacts/bpe-parity"
mkdir -p "$work"
bash "$root/tools/fetch-gpt2-vocab.sh"
if [ ! -d "$work/node_modules/gpt-3-encoder" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work" gpt-3-encoder@1.1.4 >/dev/null
fi
node "$here/gpt3-encode.js" "$fixtures/multilingual.txt" > "$fixtures/multilingual.gpt2-ids.json"
echo "wrote $fixtures/multilingual.gpt2-ids.json"
if /usr/bin/python3 -c "import regex" 2>/dev/null; then
  /usr/bin/python3 "$here/gpt2-encoder-py.py" "${LLMFORGE_GPT2_DIR:-$root/artifacts/gpt2}" "$fixtures/multilingual.txt" > "$work/multilingual-encoder-py.json"
  node "$here/compare-ids.js" "$fixtures/multilingual.gpt2-ids.json" "$work/multilingual-encoder-py.json" gpt-3-encoder encoder.py
fi
