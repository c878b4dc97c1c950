// The wizard's machine without UI: every step, Esc going back without losing what was typed,
// live validation of edits, the agent planner (a plan, then an invalid one), and saving.

import assert from 'node:assert/strict';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {createActor, fromPromise, waitFor} from 'xstate';
import type {PlannerRequest, SaveRequest, SaveResult, WizardInput} from '../../source/machine/wizard-types.js';
import {wizardMachine} from '../../source/machine/wizard.js';
import {listWorkspaceFiles} from '../../source/plan/workspace-tree.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos', 'ts-app');
const files = (await listWorkspaceFiles(repo)).files;

type Fakes = {readonly answers?: string[]; readonly saved?: SaveRequest[]; readonly exists?: Set<string>; readonly requests?: PlannerRequest[]};

function start(fakes: Fakes = {}, input: Partial<WizardInput> = {}) {
	const answers = [...(fakes.answers ?? [])];
	const machine = wizardMachine.provide({
		actors: {
			planner: fromPromise<string, PlannerRequest>(async ({input: request}) => {
				fakes.requests?.push(request);
				const answer = answers.shift();
				if (answer === undefined) throw new Error('claude is not installed (not found on PATH)');
				return answer;
			}),
			save: fromPromise<SaveResult, SaveRequest>(async ({input: request}) => {
				if (!request.overwrite && fakes.exists?.has(request.path)) return {ok: false, exists: true};
				fakes.saved?.push(request);
				return {ok: true, file: request.path};
			}),
		},
	});
	const actor = createActor(machine, {input: {files, ...input}});
	actor.start();
	return actor;
}

const state = (actor: ReturnType<typeof start>) => JSON.stringify(actor.getSnapshot().value);

test('goal → pattern → scope → review; Esc goes back a step and keeps the goal and the choice', () => {
	const actor = start();
	actor.send({type: 'goal.submit'});
	assert.equal(state(actor), '"goal"', 'an empty goal stays');
	assert.match(actor.getSnapshot().context.notice ?? '', /say what/);
	actor.send({type: 'goal.change', text: 'Add logging'});
	actor.send({type: 'goal.submit'});
	assert.equal(state(actor), '"pattern"');
	actor.send({type: 'pattern.select', index: 2});
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"goal"');
	assert.equal(actor.getSnapshot().context.goal, 'Add logging');
	actor.send({type: 'goal.submit'});
	assert.equal(actor.getSnapshot().context.patternIndex, 2, 'the pattern picked before is still picked');
	actor.send({type: 'pattern.select', index: 0});
	actor.send({type: 'pattern.choose'});
	assert.equal(state(actor), '"scope"');
	assert.equal(actor.getSnapshot().context.root, 'src', 'the default root is the biggest source folder');
	actor.send({type: 'scope.confirm'});
	assert.equal(state(actor), '{"review":"browsing"}');
	const {plan, report, notes} = actor.getSnapshot().context;
	assert.deepEqual(plan!.phases[0]!.tasks.map(t => t.id), ['api', 'db', 'utils']);
	assert.equal(report.valid, true);
	assert.ok(notes.some(n => /shared: given to the integrate task/.test(n)), notes.join('\n'));
	actor.stop();
});

test('review edits validate live; going back and forth keeps the edits; an invalid plan asks before saving', async () => {
	const saved: SaveRequest[] = [];
	const actor = start({saved}, {goal: 'Add logging', workspaceFor: () => '..'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.choose'});
	actor.send({type: 'scope.confirm'});
	// Rows: #0 api db utils #1 integrate. Give db the api folder too: an overlap in a parallel phase.
	actor.send({type: 'review.select', index: 2});
	actor.send({type: 'field.open', kind: 'owns'});
	assert.equal(actor.getSnapshot().context.draft, 'src/db/**');
	actor.send({type: 'field.change', text: 'src/db/**, src/api/**'});
	actor.send({type: 'field.commit'});
	let context = actor.getSnapshot().context;
	assert.equal(state(actor), '{"review":"browsing"}');
	assert.equal(context.report.valid, false);
	assert.ok(context.report.errors.some(e => e.tasks.includes('db') && e.tasks.includes('api')), context.report.errors.map(e => e.message).join('\n'));
	// Back to scope and forward again: the same scope keeps the edited plan.
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"scope"');
	actor.send({type: 'scope.confirm'});
	assert.deepEqual(actor.getSnapshot().context.plan!.phases[0]!.tasks[1]!.owns, ['src/db/**', 'src/api/**']);
	// Save refuses to go on silently.
	actor.send({type: 'review.save'});
	assert.equal(state(actor), '{"review":"confirmInvalid"}');
	actor.send({type: 'wizard.back'});
	// Fix it by moving db to a new phase of its own: valid again.
	actor.send({type: 'review.edit', edit: {kind: 'phase.add', afterIndex: 0}});
	assert.deepEqual(actor.getSnapshot().context.plan!.phases.map(p => p.name), ['modules', 'new-phase', 'integration']);
	actor.send({type: 'review.select', index: 2});
	actor.send({type: 'move.open'});
	actor.send({type: 'move.select', phaseIndex: 1});
	actor.send({type: 'move.commit'});
	context = actor.getSnapshot().context;
	assert.deepEqual(context.plan!.phases[1]!.tasks.map(t => t.id), ['db']);
	assert.equal(context.report.valid, true, context.report.errors.map(e => e.message).join('\n'));
	assert.equal(planRowsSelected(context), 'db', 'the selection follows the moved task');
	// A refused rename keeps the field open with the reason.
	actor.send({type: 'field.open', kind: 'id'});
	actor.send({type: 'field.change', text: 'api'});
	actor.send({type: 'field.commit'});
	assert.equal(state(actor), '{"review":"editing"}');
	assert.match(actor.getSnapshot().context.notice ?? '', /already exists/);
	actor.send({type: 'wizard.back'});
	actor.send({type: 'review.save'});
	assert.equal(state(actor), '"naming"');
	assert.equal(actor.getSnapshot().context.savePath, 'plans/add-logging.yaml');
	actor.send({type: 'save.submit'});
	await waitFor(actor, s => s.matches('saved'));
	assert.equal(saved[0]!.path, 'plans/add-logging.yaml');
	assert.equal(saved[0]!.plan.workspace, '..');
	actor.send({type: 'run.choose', run: true});
	assert.deepEqual(actor.getSnapshot().output, {outcome: 'saved', file: 'plans/add-logging.yaml', runNow: true});
});

test('one save state: a confirmed overwrite does not carry over to the next save', async () => {
	const saved: SaveRequest[] = [];
	const actor = start({saved, exists: new Set(['plans/x.yaml'])}, {goal: 'Add logging', out: 'plans/x.yaml'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 1});
	actor.send({type: 'pattern.choose'});
	actor.send({type: 'scope.confirm'});
	actor.send({type: 'review.save'});
	actor.send({type: 'save.submit'});
	await waitFor(actor, s => s.matches('confirmOverwrite'));
	// Back to the name, then save again: it must ask again, not overwrite.
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"naming"');
	actor.send({type: 'save.submit'});
	await waitFor(actor, s => s.matches('confirmOverwrite'));
	assert.equal(saved.length, 0);
	actor.send({type: 'overwrite.confirm'});
	await waitFor(actor, s => s.matches('saved'));
	assert.deepEqual(saved.map(r => [r.path, r.overwrite]), [['plans/x.yaml', true]]);
	actor.stop();
});

function planRowsSelected(context: ReturnType<ReturnType<typeof start>['getSnapshot']>['context']): string | undefined {
	const rows = context.plan!.phases.flatMap((p, pi) => [`#${pi}`, ...p.tasks.map(t => t.id)]);
	return rows[context.selected];
}

test('an existing file is overwritten only after asking', async () => {
	const saved: SaveRequest[] = [];
	const actor = start({saved, exists: new Set(['plans/x.yaml'])}, {goal: 'Add logging', out: 'plans/x.yaml'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 1});
	actor.send({type: 'pattern.choose'});
	actor.send({type: 'scope.confirm'});
	actor.send({type: 'review.save'});
	actor.send({type: 'save.submit'});
	await waitFor(actor, s => s.matches('confirmOverwrite'));
	assert.equal(saved.length, 0);
	actor.send({type: 'overwrite.confirm'});
	await waitFor(actor, s => s.matches('saved'));
	assert.equal(saved.length, 1);
	actor.send({type: 'wizard.cancel'});
	assert.deepEqual(actor.getSnapshot().output, {outcome: 'saved', file: 'plans/x.yaml', runNow: false});
});

test('feature scope: features are named with their globs; an unfinished line is not dropped', () => {
	const actor = start({}, {goal: 'Ship auth and search'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 2});
	actor.send({type: 'pattern.choose'});
	actor.send({type: 'feature.draft', text: 'auth'});
	actor.send({type: 'feature.add'});
	assert.match(actor.getSnapshot().context.notice ?? '', /globs/);
	actor.send({type: 'feature.draft', text: 'users=src/api/users.ts'});
	actor.send({type: 'feature.add'});
	actor.send({type: 'feature.draft', text: 'db=src/db/**'});
	actor.send({type: 'scope.confirm'});
	assert.equal(state(actor), '"scope"');
	actor.send({type: 'feature.add'});
	actor.send({type: 'scope.confirm'});
	const plan = actor.getSnapshot().context.plan!;
	assert.deepEqual(plan.phases[0]!.tasks.map(t => [t.id, t.owns]), [['users', ['src/api/users.ts']], ['db', ['src/db/**']]]);
	assert.equal(actor.getSnapshot().context.report.valid, true);
});

const validAnswer = JSON.stringify({
	name: 'agent-plan',
	pattern: 'module',
	phases: [
		{name: 'work', mode: 'parallel', tasks: [{id: 'api', owns: ['src/api/**'], prompt: 'api'}, {id: 'db', owns: ['src/db/**'], prompt: 'db'}]},
	],
});
const invalidAnswer = JSON.stringify({
	name: 'agent-plan',
	pattern: 'module',
	phases: [
		{name: 'work', mode: 'parallel', tasks: [{id: 'api', owns: ['src/**'], prompt: 'api'}, {id: 'db', owns: ['src/db/**'], prompt: 'db'}]},
	],
});

test('agent planner: a valid plan goes to review; an invalid one shows its errors; ask again sends them', async () => {
	const requests: PlannerRequest[] = [];
	const actor = start({answers: [validAnswer, invalidAnswer, validAnswer], requests}, {goal: 'Add logging'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 4});
	actor.send({type: 'planner.cycle'});
	actor.send({type: 'planner.cycle'});
	actor.send({type: 'planner.cycle'});
	actor.send({type: 'pattern.choose'});
	assert.equal(state(actor), '"planning"');
	await waitFor(actor, s => s.matches('review'));
	assert.equal(actor.getSnapshot().context.report.valid, true);
	assert.deepEqual(requests[0], {goal: 'Add logging', agent: 'claude', errors: []});
	// Back to the pattern step and ask again: this time the answer overlaps.
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"pattern"');
	actor.send({type: 'pattern.choose'});
	await waitFor(actor, s => s.matches('review'));
	let context = actor.getSnapshot().context;
	assert.equal(context.report.valid, false);
	assert.ok(context.plannerErrors.length > 0);
	assert.ok(context.report.errors.some(e => e.code.startsWith('ownership')), context.report.errors.map(e => e.code).join());
	actor.send({type: 'review.askAgain'});
	await waitFor(actor, s => s.matches('review'));
	assert.ok(requests[2]!.errors.length > 0, 'the errors go with the next request');
	context = actor.getSnapshot().context;
	assert.equal(context.report.valid, true);
	actor.stop();
});

test('agent planner: no answer or no plan lands on a failure step that can retry or go back', async () => {
	const actor = start({answers: ['I would rather not.']}, {goal: 'Add logging'});
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 4});
	actor.send({type: 'pattern.choose'});
	await waitFor(actor, s => s.matches('plannerFailed'));
	assert.match(actor.getSnapshot().context.plannerErrors[0]!, /no plan/);
	actor.send({type: 'planner.retry'});
	await waitFor(actor, s => s.matches('plannerFailed'));
	assert.match(actor.getSnapshot().context.plannerErrors[0]!, /not installed/);
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"pattern"');
	actor.send({type: 'wizard.back'});
	actor.send({type: 'wizard.back'});
	assert.equal(actor.getSnapshot().status, 'done');
	assert.deepEqual(actor.getSnapshot().output, {outcome: 'cancelled'});
});

test('leaving the planning step aborts the planner (its process must not outlive the step)', async () => {
	let signal: AbortSignal | undefined;
	const machine = wizardMachine.provide({
		actors: {
			planner: fromPromise<string, PlannerRequest>(({signal: s}) => {
				signal = s;
				return new Promise<string>(() => undefined);
			}),
		},
	});
	const actor = createActor(machine, {input: {files, goal: 'Add logging'}});
	actor.start();
	actor.send({type: 'goal.submit'});
	actor.send({type: 'pattern.select', index: 4});
	actor.send({type: 'pattern.choose'});
	await waitFor(actor, () => signal !== undefined);
	assert.equal(signal!.aborted, false);
	actor.send({type: 'wizard.back'});
	assert.equal(state(actor), '"pattern"');
	assert.equal(signal!.aborted, true);
	actor.stop();
});
