#!/usr/bin/env node
// A stand-in for an agent that applies earlier analysis: reads every notes file in a folder
// and writes one summary document from them, printing progress at a human pace.
//
// Usage: node scripts/apply-notes.mjs NOTES_DIR OUT_FILE [--seconds N]

import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {parseArgs} from 'node:util';

const {values, positionals} = parseArgs({allowPositionals: true, options: {seconds: {type: 'string', default: '2'}}});
const [notesDir, outFile] = positionals;
if (!notesDir || !outFile) {
	console.error('usage: node scripts/apply-notes.mjs NOTES_DIR OUT_FILE [--seconds N]');
	process.exit(2);
}
const sleep = ms => new Promise(done => setTimeout(done, ms));
const notes = existsSync(notesDir) ? readdirSync(notesDir).filter(name => name.endsWith('.md')).sort() : [];
if (notes.length === 0) {
	console.error(`apply-notes: no notes in ${notesDir}: run the analysis tasks first`);
	process.exit(1);
}
const pause = () => sleep((Number(values.seconds) * 1000) / (notes.length + 1));
const sections = [];
for (const name of notes) {
	console.log(`apply-notes: reading ${join(notesDir, name)}`);
	sections.push(readFileSync(join(notesDir, name), 'utf8').trim().replace(/^# /, '## '));
	await pause();
}
mkdirSync(dirname(outFile), {recursive: true});
writeFileSync(outFile, `# Review\n\nCollected from ${notes.length} analysis notes.\n\n${sections.join('\n\n')}\n`);
console.log(`apply-notes: wrote ${outFile} from ${notes.length} notes`);
