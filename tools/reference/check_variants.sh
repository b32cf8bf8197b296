#!/usr/bin/env bash
# Trains every shipped variant of samples/Cli/appsettings.json for a few steps on a text, on each backend, then
# checks `llmforge forward` on the saved model against PyTorch (compare_forward.py / compare_bert_forward.py).
# Usage: tools/reference/check_variants.sh [CORPUS] [STEPS]   (needs a Release build and /usr/bin/python3 with torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-../shared/data/tinyshakespeare.txt}
steps=${2:-20}
cli=samples/Cli/bin/Release/net10.0/llmforge
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
variants=$(/usr/bin/python3 -c "import json;print(' '.join(json.load(open('samples/Cli/appsettings.json'))['LlmForge']['Variants']))")
printf '%s\n' '{"input_ids": [[1, 5, 9, 2, 7, 3, 8, 4, 6, 10, 11, 12], [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]]}' > "$out/input.json"
printf '%s\n' '{"input_ids": [[2, 10, 11, 12, 13, 3, 0, 0], [2, 14, 15, 3, 16, 17, 18, 3]], "attention_mask": [[1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]], "token_type_ids": [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]]}' > "$out/bert-input.json"
status=0
for variant in $variants; do
  extra=()
  # gpt2-small's 1024-token context and 50257-token vocabulary make a 20-step run slow; a 256-token context
  # keeps the architecture (12 × 768, learned positions, tied head) and the check the same
  [ "$variant" = gpt2-small ] && extra=(--config tools/reference/gpt2-small-256.json)
  for backend in managed mkl; do
    dir="$out/$variant-$backend"
    "$cli" train --variant "$variant" --backend "$backend" --steps "$steps" --corpus "$corpus" --out "$dir" "${extra[@]}" \
      > "$dir.log" 2>&1 || { echo "$variant $backend: train failed"; tail -3 "$dir.log"; status=1; continue; }
    if [ "$variant" = bert-mini ]; then input="$out/bert-input.json"; compare=compare_bert_forward.py
    else input="$out/input.json"; compare=compare_forward.py; fi
    "$cli" forward --model "$dir" --input "$input" --out "$dir.npy" --backend "$backend" > /dev/null
    printf '%-26s %-8s %s | %s\n' "$variant" "$backend" "$(tail -1 "$dir.log")" \
      "$(/usr/bin/python3 tools/reference/$compare --model "$dir" --input "$input" --logits "$dir.npy" | tail -1)" || status=1
  done
done
exit $status
