// The planning wizard end to end with ink-testing-library: keys in, frames out, a real plan file
// written to a temporary copy of the sample repository, loaded back and validated. The agent
// planner path runs with an injected fake planner: a plan, then an invalid one.

import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, afterEach, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {cleanup, render} from 'ink-testing-library';
import {toPromise} from 'xstate';
import {createWizardActor} from '../../source/commands/plan-wizard.js';
import type {CommandIO} from '../../source/commands/io.js';
import type {RunPlanner} from '../../source/runner/planner-agent.js';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {listWorkspaceFiles} from '../../source/plan/workspace-tree.js';
import type {EditPromptInEditor} from '../../source/ui/wizard/review-step.js';
import {WizardScreen} from '../../source/ui/wizard/wizard-screen.js';
import {ARROW_DOWN, ARROW_RIGHT, ARROW_UP, CTRL_C, ENTER, ESCAPE, eventually, plain, setSize, tick} from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos', 'ts-app');
const temps: string[] = [];
after(() => {
	for (const dir of temps) rmSync(dir, {recursive: true, force: true});
});
afterEach(() => cleanup());

function copyOfRepo(): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-wizard-'));
	temps.push(dir);
	cpSync(repo, dir, {recursive: true});
	return dir;
}

const io = (cwd: string): CommandIO => ({stdout: () => undefined, stderr: () => undefined, cwd, color: false, isTTY: true});

async function mount(
	runPlanner: RunPlanner = async () => {
		throw new Error('no planner in this test');
	},
	editInEditor?: EditPromptInEditor,
) {
	const dir = copyOfRepo();
	const {files} = await listWorkspaceFiles(dir);
	const actor = createWizardActor({workspace: dir}, io(dir), files, runPlanner);
	actor.start();
	const app = render(<WizardScreen actor={actor} workspace="." color={false} {...(editInEditor ? {editInEditor} : {})} />);
	setSize(app.stdout, 120, 40);
	await tick();
	const frame = () => plain(app.lastFrame());
	/** Writes keys one write at a time, a tick after each, as a person types. */
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			app.stdin.write(key);
			await tick();
		}
	};
	return {dir, actor, app, frame, press, done: toPromise(actor)};
}

test('type a goal, pick a pattern, edit a glob, move a task, save: the file loads and validates', async () => {
	const {dir, frame, press, done} = await mount();
	assert.match(frame(), /What should the agents do\?/);
	await press('Add logging to every module');
	assert.match(frame(), /› Add logging to every module/);
	await press(ENTER);
	assert.match(frame(), /How should the work be split\?/);
	assert.match(frame(), /module-based +use when: independent modules/);
	assert.match(frame(), /let an agent plan it/);
	await press(ENTER);
	assert.match(frame(), /which folder holds the modules\?/);
	assert.match(frame(), /root src/);
	assert.match(frame(), /shared: given to the integrate task/);
	await press(ENTER);
	await eventually(() => assert.match(frame(), /Phase 1 \(parallel\): modules/));
	assert.match(frame(), /✓ valid/);
	// db reads a utils file: in the same parallel phase as utils, that is an error.
	await press(ARROW_DOWN, ARROW_DOWN, 'i');
	assert.match(frame(), /reads › /);
	await press('src/utils/log.ts');
	assert.match(frame(), /reads › src\/utils\/log\.ts .* 1 file/);
	await press(ENTER);
	await eventually(() => assert.match(frame(), /✗ invalid · 1 error/));
	assert.match(frame(), /reads src\/utils\/log\.ts \(1 file\)/);
	// A new phase after the first, and db moves there: valid again.
	await press('N');
	assert.match(frame(), /Phase 2 \(sequential\): new-phase \(empty\)/);
	await press('k', 'k');
	assert.match(frame(), /db .*src\/db\/\*\*/);
	await press('m');
	assert.match(frame(), /move db to:/);
	await press(ARROW_RIGHT, ENTER);
	await eventually(() => assert.match(frame(), /Phase 2 \(sequential\): new-phase[^\n]*\n +└── db/));
	assert.match(frame(), /✓ valid/);
	await press('s');
	assert.match(frame(), /Save the plan as/);
	assert.match(frame(), /› plans\/add-logging-module\.yaml/);
	await press(ENTER);
	await eventually(() => assert.match(frame(), /Saved plans\/add-logging-module\.yaml/));
	assert.match(frame(), /Run it now\?/);
	await press('n');
	assert.deepEqual(await done, {outcome: 'saved', file: 'plans/add-logging-module.yaml', runNow: false});

	const file = join(dir, 'plans', 'add-logging-module.yaml');
	const text = readFileSync(file, 'utf8');
	assert.match(text.split('\n')[0]!, /^# yaml-language-server: \$schema=/);
	const loaded = loadPlan(file, {cwd: dir});
	assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
	assert.equal(loaded.workspace, dir);
	assert.deepEqual(loaded.plan.phases.map(p => p.tasks.map(t => t.id)), [['api', 'utils'], ['db'], ['integrate']]);
	assert.deepEqual(loaded.plan.phases[1]!.tasks[0]!.reads, ['src/utils/log.ts']);
	const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
	assert.equal(report.valid, true, report.errors.map(e => e.message).join('\n'));
});

const agentPlan = (owns: string) =>
	JSON.stringify({
		type: 'result',
		subtype: 'success',
		is_error: false,
		structured_output: {
			name: 'agent-logging',
			pattern: 'module',
			phases: [{name: 'work', mode: 'parallel', tasks: [{id: 'api', owns: [owns], prompt: 'Add logging to the API.'}, {id: 'db', owns: ['src/db/**'], prompt: 'Add logging to the DB.'}]}],
		},
	});

test('agent planner: progress while it works, its plan in review; asked again, an invalid plan shows its errors', async () => {
	const answers = [agentPlan('src/api/**'), agentPlan('src/**')];
	const requests: {agent: string; prompt: string}[] = [];
	let release: () => void = () => undefined;
	const gate = new Promise<void>(resolve => {
		release = resolve;
	});
	const {frame, press, done} = await mount(async (prompt, agent) => {
		requests.push({agent, prompt});
		await gate;
		return answers.shift()!;
	});
	await press('Add logging', ENTER, '5');
	assert.match(frame(), /let an agent plan it +claude/);
	await press(ENTER);
	await eventually(() => assert.match(frame(), /Asking claude for a plan…/));
	assert.match(frame(), /goal › pattern › planner › review › save/);
	release();
	await eventually(() => assert.match(frame(), /agent-logging · module · 1 phase · 2 tasks/));
	assert.match(frame(), /✓ valid/);
	assert.match(frame(), /Planned by claude/);
	assert.match(requests[0]!.prompt, /## Goal\nAdd logging/);
	await press('A');
	await eventually(() => assert.match(frame(), /✗ invalid · 1 error/));
	assert.match(frame(), /✗ src\/db\/client\.ts, src\/db\/queries\.ts files are\s/);
	assert.match(frame(), /owned by two tasks/);
	assert.equal(requests.length, 2);
	await press('s');
	assert.match(frame(), /Save with 1 error\?/);
	await press('n');
	assert.match(frame(), /s save · esc back · A ask agent again/);
	await press(CTRL_C);
	assert.deepEqual(await done, {outcome: 'cancelled'});
});

test('Esc goes back a step at a time and nothing typed is lost', async () => {
	const {frame, press, done} = await mount();
	await press('Split the work', ENTER, ARROW_DOWN, ARROW_DOWN, ENTER);
	assert.match(frame(), /feature-based: name the features/);
	await press('api=src/api/**', ENTER, 'db=src/d');
	assert.match(frame(), /1\. api owns src\/api\/\*\*/);
	await press(ESCAPE);
	assert.match(frame(), /› +3\. feature-based/);
	await press(ESCAPE);
	assert.match(frame(), /› Split the work/);
	await press(ENTER, ENTER);
	assert.match(frame(), /1\. api owns src\/api\/\*\*/);
	assert.match(frame(), /\+ db=src\/d/);
	await press('b/**', ENTER, ENTER);
	await eventually(() => assert.match(frame(), /Phase 1 \(parallel\): features/));
	assert.match(frame(), /├── api/);
	assert.match(frame(), /└── db/);
	await press(ESCAPE, ESCAPE, ESCAPE, ESCAPE);
	assert.deepEqual(await done, {outcome: 'cancelled'});
	// Left unsaved: no step stays drawn (it used to leave the save step on the terminal).
	await eventually(() => assert.equal(frame().trim(), ''));
});

test('e edits the selected task\'s prompt in the editor: its lines are kept; an editor that fails says why', async () => {
	const calls: {text: string; taskId: string}[] = [];
	let answer: ReturnType<EditPromptInEditor> = {ok: true, text: 'Add logging to api.\n\nUse the shared logger.'};
	const {actor, frame, press, done} = await mount(undefined, (text, taskId) => {
		calls.push({text, taskId});
		return answer;
	});
	await press('Add logging', ENTER, ENTER, ENTER);
	await eventually(() => assert.match(frame(), /Phase 1 \(parallel\): modules/));
	await press(ARROW_DOWN);
	assert.match(frame(), /e prompt in \$EDITOR/);
	await press('e');
	const taskId = calls[0]?.taskId ?? '';
	assert.equal(calls.length, 1);
	const task = actor.getSnapshot().context.plan!.phases[0]!.tasks.find(t => t.id === taskId)!;
	assert.equal(task.prompt, 'Add logging to api.\n\nUse the shared logger.');
	assert.match(frame(), /prompt: Add logging to api\. Use the shared logger\./);
	answer = {ok: false, reason: 'the editor (nano) was not found: set $VISUAL or $EDITOR'};
	await press('e');
	assert.equal(calls[1]?.text, 'Add logging to api.\n\nUse the shared logger.', 'the editor gets the prompt as it is now');
	assert.match(frame(), /the editor \(nano\) was not found/);
	await press(CTRL_C);
	assert.deepEqual(await done, {outcome: 'cancelled'});
});

test('text and Enter in one chunk (fast typing, a paste, a script) is the text, then Enter', async () => {
	const {frame, press, done} = await mount();
	await press('Split the work\r');
	assert.match(frame(), /How should the work be split\?/);
	await press(ARROW_DOWN, ARROW_DOWN, ENTER, 'api=src/api/**\r');
	assert.match(frame(), /1\. api owns src\/api\/\*\*/);
	// Newlines inside a chunk stay flattened: one line of text, then Enter adds it.
	await press('db=src/db/**\nx\r');
	assert.match(frame(), /2\. db owns src\/db\/\*\*, x/);
	await press(CTRL_C);
	assert.deepEqual(await done, {outcome: 'cancelled'});
});

test('review keys: add, rename, command, agent, parallel/sequential, remove, plan name', async () => {
	const {frame, press, done} = await mount();
	await press('Add logging', ENTER, ENTER, ENTER);
	await eventually(() => assert.match(frame(), /Phase 1 \(parallel\): modules/));
	// Rows: phase 1, api, db, utils, phase 2, integrate. Add a task to phase 2 and name it.
	await press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, 'n');
	assert.match(frame(), /└── new-task +\(owns nothing\)/);
	await press('r', '\u0015', 'smoke');
	assert.match(frame(), /task id › smoke/);
	await press(ENTER, 'c', '\u0015', 'npm test', ENTER);
	assert.match(frame(), /command: npm test/);
	assert.match(frame(), /└── smoke +\(owns nothing\) \(0 files\) \$/);
	await press('a');
	assert.match(frame(), /smoke · agent claude/);
	await press('a');
	assert.match(frame(), /smoke · agent codex/);
	await press('t');
	assert.match(frame(), /Phase 2 \(parallel\): integration/);
	assert.match(frame(), /! .*smoke/, 'a task owning nothing is worth a warning');
	await press('x');
	assert.doesNotMatch(frame(), /smoke/);
	// The selection fell back to integrate; the phase above it still holds it.
	await press(ARROW_UP, 'x');
	assert.match(frame(), /still has 1 task: move or remove them first/);
	assert.match(frame(), /add-logging · module · 2 phases · 4 tasks/);
	// The plan's own name: a bad one is refused with the rule and kept for fixing, a slug is taken.
	await press('R', '\u0015', 'Request Logging', ENTER);
	assert.match(frame(), /plan name › Request Logging/);
	assert.match(frame(), /"Request Logging" is not a plan name: use lowercase letters/);
	await press('\u0015', 'request-logging', ENTER);
	assert.match(frame(), /request-logging · module · 2 phases · 4 tasks/);
	await press(CTRL_C);
	assert.deepEqual(await done, {outcome: 'cancelled'});
});
