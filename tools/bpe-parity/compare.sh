#!/usr/bin/env bash
# Encodes FILE (default ../shared/data/tinyshakespeare.txt) with LlmForge's Gpt2Tokenizer, with the
# npm package gpt-3-encoder and, if Python's `regex` module is there, with a Python transcription of
# OpenAI's encoder.py, and compares the ids. Prints counts, encode speed and any divergence.
# usage: tools/bpe-parity/compare.sh [FILE]     (run by hand; needs npm, dotnet)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
file="$(realpath "${1:-$root/../shared/data/tinyshakespeare.txt}")"
work="$root/artifacts/bpe-parity"
mkdir -p "$work"

bash "$root/tools/fetch-gpt2-vocab.sh"
gpt2="${LLMFORGE_GPT2_DIR:-$root/artifacts/gpt2}"
if [ ! -d "$work/node_modules/gpt-3-encoder" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work" gpt-3-encoder@1.1.4 >/dev/null
fi

dotnet build "$here/BpeTool" -c Release -v quiet -nologo >/dev/null
dotnet "$here/BpeTool/bin/Release/net10.0/BpeTool.dll" encode "$gpt2" "$file" > "$work/llmforge.json"
start=$(date +%s%N)
node "$here/gpt3-encode.js" "$file" > "$work/gpt-3-encoder.json"
echo "gpt-3-encoder: encoded in $(( ($(date +%s%N) - start) / 1000000 )) ms (node start-up and vocabulary load included)"
status=0
node "$here/compare-ids.js" "$work/llmforge.json" "$work/gpt-3-encoder.json" LlmForge gpt-3-encoder || status=1
if /usr/bin/python3 -c "import regex" 2>/dev/null; then
  /usr/bin/python3 "$here/gpt2-encoder-py.py" "$gpt2" "$file" > "$work/encoder-py.json"
  node "$here/compare-ids.js" "$work/llmforge.json" "$work/encoder-py.json" LlmForge encoder.py || status=1
else
  echo "encoder.py reference skipped: Python's regex module is missing (apt-get install python3-regex)"
fi
exit $status
