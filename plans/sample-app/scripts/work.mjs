#!/usr/bin/env node
// A stand-in for a coding agent, at a human pace: reads the files it is given (folders or
// files), prints progress over a few seconds, and marks each JavaScript or Markdown file it
// owns with a one-line note. It only writes the paths it is given (and --note / --also).
//
// Usage: node scripts/work.mjs PATH... [--seconds N] [--task ID] [--note FILE] [--also FILE] [--needs FILE] [--fail]
//   --seconds N  spread the work over about N seconds (default 4)
//   --task ID    name used in the notes (default: $FANOUT_TASK_ID, else the first path)
//   --note FILE  read-only analysis: write findings to FILE instead of editing PATH
//   --also FILE  also write FILE (to show what fanout does when a task leaves its files)
//   --needs FILE halfway through, ask fanout for FILE with a FANOUT-NEEDS line and stop, as a
//                well-behaved agent does; once fanout gives it FILE (it shows up in FANOUT_OWNS),
//                edit FILE too instead of asking
//   --fail       exit 1 at the end, as an agent that gave up would

import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {parseArgs} from 'node:util';

const {values, positionals} = parseArgs({
	allowPositionals: true,
	options: {seconds: {type: 'string', default: '4'}, task: {type: 'string'}, note: {type: 'string'}, also: {type: 'string'}, needs: {type: 'string'}, fail: {type: 'boolean'}},
});
if (positionals.length === 0) {
	console.error('usage: node scripts/work.mjs PATH... [--seconds N] [--task ID] [--note FILE] [--also FILE] [--needs FILE] [--fail]');
	process.exit(2);
}
const task = values.task ?? process.env.FANOUT_TASK_ID ?? positionals[0];
const seconds = Math.max(0, Number(values.seconds) || 0);
const sleep = ms => new Promise(done => setTimeout(done, ms));

function filesOf(path) {
	if (!existsSync(path)) return [];
	if (statSync(path).isFile()) return [path];
	return readdirSync(path, {withFileTypes: true})
		.sort((a, b) => a.name.localeCompare(b.name))
		.flatMap(entry => filesOf(join(path, entry.name)));
}

function mark(file) {
	const text = readFileSync(file, 'utf8');
	if (file.endsWith('.js') || file.endsWith('.mjs')) {
		const line = `// Reviewed by ${task}.`;
		const rest = text.split('\n').filter(l => l !== line);
		writeFileSync(file, [line, ...rest].join('\n'));
	} else if (file.endsWith('.md')) {
		const line = `_Reviewed by ${task}._`;
		if (!text.includes(line)) writeFileSync(file, `${text.trimEnd()}\n\n${line}\n`);
	}
}

const owns = (process.env.FANOUT_OWNS ?? '').split('\n');
const granted = values.needs !== undefined && owns.includes(values.needs);
const files = [...positionals, ...(granted ? [values.needs] : [])].flatMap(filesOf).filter(f => /\.(m?js|md)$/.test(f));
const steps = files.length * 2 + 2;
const pause = () => sleep((seconds * 1000) / steps);

console.log(`${task}: looking at ${positionals.join(', ')} (${files.length} files)`);
await pause();
const findings = [];
for (const [i, file] of files.entries()) {
	if (values.needs && !granted && i === Math.floor(files.length / 2)) {
		console.log(`${task}: the new logger has to be exported from ${values.needs}, which is not mine`);
		console.log(`FANOUT-NEEDS: ${values.needs} -- ${task}'s logger must be exported from the barrel`);
		// A well-behaved worker stops here and waits to be re-planned.
		await sleep(60_000);
		process.exit(0);
	}
	const lines = readFileSync(file, 'utf8').split('\n');
	const exported = lines.filter(l => l.startsWith('export ')).length;
	console.log(`${task}: reading ${file} (${lines.length} lines, ${exported} exports)`);
	findings.push(`- ${file}: ${lines.length} lines, ${exported} exported names`);
	await pause();
	if (!values.note) {
		mark(file);
		console.log(`${task}: edited ${file} [${i + 1}/${files.length}]`);
	} else console.log(`${task}: noted ${file} [${i + 1}/${files.length}]`);
	await pause();
}
if (values.note) {
	mkdirSync(dirname(values.note), {recursive: true});
	writeFileSync(values.note, `# Notes from ${task}\n\n${findings.join('\n')}\n`);
	console.log(`${task}: wrote ${values.note}`);
}
if (values.also) {
	mkdirSync(dirname(values.also) || '.', {recursive: true});
	writeFileSync(values.also, `// written by ${task}, outside its own files\n`);
	console.log(`${task}: also wrote ${values.also}`);
}
await pause();
if (values.fail) {
	console.error(`${task}: giving up`);
	process.exit(1);
}
console.log(`${task}: done, ${values.note ? 0 : files.length} files changed`);
