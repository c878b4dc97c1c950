// editPlan and editInEditor with real editors: small shell scripts that rewrite the file (sed), leave it, empty
// it, break it and then fix it, or fail; in a real temporary run folder.

import assert from 'node:assert/strict';
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import type {Conflict} from '../../source/machine/types.js';
import {parsePlanText} from '../../source/plan/load.js';
import type {Plan} from '../../source/plan/types.js';
import {editHeader, editInEditor, editPlan, editorCommand, stripHeader} from '../../source/runner/edit-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-edit-'));
after(() => rmSync(dir, {recursive: true, force: true}));

const planText = `name: demo
phases:
  - name: modules
    tasks:
      - id: api
        owns: [src/api/**]
        run: echo api
      - id: db
        owns: [src/db/**]
        run: echo db
`;
const parsed = parsePlanText(planText, 'plan.yaml');
assert.ok(parsed.ok);
const plan: Plan = parsed.plan;
const conflict: Conflict = {id: 1, taskId: 'db', suspects: ['db'], path: 'src/index.js', how: 'declared', at: 0};

let scripts = 0;
/** An editor: a shell script called with the file as $1. */
function editor(body: string): string {
	const path = join(dir, `editor-${++scripts}.sh`);
	writeFileSync(path, `#!/bin/sh\n${body}\n`);
	chmodSync(path, 0o755);
	return path;
}

test('the editor`s change comes back as the plan; the file sits in the run folder with the conflict explained', () => {
	const seen = join(dir, 'seen.txt');
	const command = editor(`cp "$1" ${seen}\nsed -i 's#owns: \\[src/db/\\*\\*\\]#owns: [src/db/**, src/index.js]#' "$1"`);
	const result = editPlan(plan, {runDir: dir, revision: 2, conflict, editor: command});
	assert.ok(result.ok, result.ok ? '' : result.reason);
	assert.equal(result.file, join(dir, 'plan.r2.edit.yaml'));
	assert.deepEqual(result.plan.phases[0]?.tasks[1]?.owns, ['src/db/**', 'src/index.js']);
	assert.deepEqual(result.plan.phases[0]?.tasks[0]?.owns, ['src/api/**']);
	const shown = readFileSync(seen, 'utf8');
	assert.match(shown, /^# fanout: db needs src\/index\.js, which it does not own\./);
	assert.match(shown, /id: db/);
});

test('an unchanged or emptied file gives up; the prompt stays as it was', () => {
	const same = editPlan(plan, {runDir: dir, revision: 3, conflict, editor: editor('true')});
	assert.deepEqual(same.ok ? undefined : [same.gaveUp, same.reason], [true, 'the plan was left unchanged']);
	const emptied = editPlan(plan, {runDir: dir, revision: 3, conflict, editor: editor(': > "$1"')});
	assert.deepEqual(emptied.ok ? undefined : [emptied.gaveUp, emptied.reason], [true, 'the plan was emptied']);
	const headerOnly = editPlan(plan, {runDir: dir, revision: 3, conflict, editor: editor('sed -i "/^# fanout:/!d" "$1"')});
	assert.ok(!headerOnly.ok && headerOnly.gaveUp, 'only the comments left counts as empty');
});

test('a file that cannot be read goes back to the editor with the reasons and their lines on top', () => {
	const count = join(dir, 'rounds');
	const second = join(dir, 'second.txt');
	// Round 1 breaks the YAML at a known line; round 2 records what it was shown and fixes it.
	const command = editor(`n=$(cat ${count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${count}
if [ $n = 1 ]; then sed -i 's#^      - id: db#      - id: [db#' "$1"; else cp "$1" ${second}; sed -i 's#id: \\[db#id: db#' "$1"; fi`);
	const result = editPlan(plan, {runDir: dir, revision: 4, conflict, editor: command});
	assert.ok(result.ok, result.ok ? '' : result.reason);
	assert.equal(readFileSync(count, 'utf8').trim(), '2');
	const shown = readFileSync(second, 'utf8').split('\n');
	assert.ok(shown.some(l => l === '# fanout: the last version could not be read:'));
	const problem = shown.find(l => /^# fanout: {3}line \d+:/.test(l));
	assert.ok(problem, shown.join('\n'));
	const line = Number(/line (\d+)/.exec(problem)![1]);
	// YAML reports an unclosed flow sequence on the line after it: db's owns.
	assert.match(shown[line - 1] ?? '', /^\s+owns: \[src\/db\/\*\*\]$/, `line ${line} of the file shown points at the break`);
	assert.equal(stripHeader(shown.join('\n')).split('\n')[0], 'name: demo');
});

test('an editor that cannot run or fails says why', () => {
	const missing = editPlan(plan, {runDir: dir, revision: 5, editor: 'no-such-editor-fanout'});
	assert.ok(!missing.ok && !missing.gaveUp);
	assert.match(missing.ok ? '' : missing.reason, /no-such-editor-fanout\) was not found/);
	const failing = editPlan(plan, {runDir: dir, revision: 5, editor: editor('exit 4')});
	assert.match(failing.ok ? '' : failing.reason, /exited with code 4/);
	const nowhere = editPlan(plan, {runDir: join(dir, 'missing', 'run'), revision: 5, editor: 'true'});
	assert.match(nowhere.ok ? '' : nowhere.reason, /could not write/);
	assert.ok(!existsSync(join(dir, 'missing')));
});

test('an editor with arguments runs through the shell; a plan never read gives up after the rounds', () => {
	const args = join(dir, 'args.txt');
	const command = `${editor(`echo "$1 $2" > ${args}; sed -i 's#echo api#echo API#' "$2"`)} --wait`;
	const result = editPlan(plan, {runDir: dir, revision: 6, editor: command});
	assert.ok(result.ok);
	assert.equal(result.plan.phases[0]?.tasks[0]?.run, 'echo API');
	assert.equal(readFileSync(args, 'utf8').trim(), `--wait ${join(dir, 'plan.r6.edit.yaml')}`);
	const stubborn = editPlan(plan, {runDir: dir, revision: 7, editor: editor('echo "phases: [" >> "$1"'), maxRounds: 2});
	assert.match(stubborn.ok ? '' : stubborn.reason, /after 2 edits/);
});

test('$VISUAL wins over $EDITOR, and vi is the fallback', () => {
	assert.equal(editorCommand({VISUAL: 'code --wait', EDITOR: 'nano'}), 'code --wait');
	assert.equal(editorCommand({VISUAL: ' ', EDITOR: 'nano'}), 'nano');
	assert.equal(editorCommand({}), 'vi');
	assert.deepEqual(editHeader(undefined).length, 2);
});

test('editInEditor: a prompt comes back with its lines, the temporary file is gone; a failing editor says why', () => {
	const seen = join(dir, 'seen.txt');
	// The editor keeps the first line, adds a paragraph, and records where the file was.
	const result = editInEditor('Add logging.', 'api.prompt.md', {editor: editor(`echo "$1" > ${seen}; printf 'Use the shared logger.\\n\\nKeep tests green.\\n\\n\\n' >> "$1"`)});
	assert.deepEqual(result, {ok: true, text: 'Add logging.\nUse the shared logger.\n\nKeep tests green.'});
	const file = readFileSync(seen, 'utf8').trim();
	assert.match(file, /api\.prompt\.md$/);
	assert.ok(!existsSync(file), 'the temporary file is removed');
	const failing = editInEditor('x', 'a.md', {editor: editor('exit 3')});
	assert.deepEqual(failing, {ok: false, reason: `the editor (${join(dir, `editor-${scripts}.sh`)}) exited with code 3`});
});
