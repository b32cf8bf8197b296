// usage: node compare-ids.js A.json B.json [LABEL_A] [LABEL_B]
// Compares two JSON arrays of token ids: prints both counts and, if they differ, the first
// divergence with a few ids of context. Exit code 0 only if the arrays are identical.
'use strict';
const fs = require('fs');
const [oursPath, theirsPath, ourLabel = 'LlmForge', label = 'reference'] = process.argv.slice(2);
const ours = JSON.parse(fs.readFileSync(oursPath, 'utf8'));
const theirs = JSON.parse(fs.readFileSync(theirsPath, 'utf8'));
let first = -1, differing = 0;
for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
  if (ours[i] !== theirs[i]) { differing++; if (first < 0) first = i; }
}
console.log(`${ourLabel}: ${ours.length} ids, ${label}: ${theirs.length} ids, positions differing: ${differing}`);
if (first < 0) { console.log('identical'); process.exit(0); }
const ctx = a => JSON.stringify(a.slice(Math.max(0, first - 3), first + 5));
console.log(`first divergence at index ${first}: ${ourLabel} ${ctx(ours)} vs ${label} ${ctx(theirs)}`);
process.exit(1);
