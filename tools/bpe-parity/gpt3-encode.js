// Encodes a UTF-8 file with the npm package gpt-3-encoder (a JavaScript port of OpenAI's GPT-2
// encoder.py) and prints the token ids as one JSON array.
// usage: node gpt3-encode.js FILE      (compare.sh installs the package; GPT3_ENCODER_DIR overrides where)
'use strict';
const fs = require('fs');
const path = require('path');

const moduleDir = process.env.GPT3_ENCODER_DIR
  || path.join(__dirname, '..', '..', 'artifacts', 'bpe-parity', 'node_modules', 'gpt-3-encoder');
const { encode } = require(moduleDir);

const file = process.argv[2];
if (!file) { console.error('usage: node gpt3-encode.js FILE'); process.exit(2); }
const text = fs.readFileSync(file, 'utf8');

// gpt-3-encoder appends each pre-token's ids with Array.concat, which is quadratic in the text
// length, so the text goes in chunks. A chunk ends only before a whitespace character that follows
// a non-whitespace one: no pre-token spans such a boundary (a pre-token holds whitespace only
// at its start or throughout), so chunking changes no id.
const ids = [];
const isSpace = c => /\s/u.test(c);
let start = 0;
for (let i = 1; i <= text.length; i++) {
  const atEnd = i === text.length;
  if (atEnd || (i - start >= 8192 && isSpace(text[i]) && !isSpace(text[i - 1]))) {
    for (const id of encode(text.slice(start, i))) {
      if (typeof id !== 'number') { console.error(`gpt-3-encoder produced a token missing from its vocabulary near char ${start}`); process.exit(1); }
      ids.push(id);
    }
    start = i;
  }
}
process.stdout.write(JSON.stringify(ids) + '\n');
