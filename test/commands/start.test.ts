// `fanout` with no arguments: each start-screen choice leads to its command, "New plan" to the
// planning wizard on the current folder.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {CommandIO} from '../../source/commands/io.js';
import type {WizardOptions} from '../../source/commands/plan-wizard.js';
import {createStartCommand} from '../../source/commands/start.js';
import type {StartChoice} from '../../source/ui/screens/start-screen.js';

const io: CommandIO = {stdout: () => {}, stderr: () => {}, cwd: '/work/app', color: false, isTTY: true};

/** The start command with a fixed choice, recording which command got what. */
function startWith(choice: StartChoice | undefined) {
	const calls: {readonly to: string; readonly args: unknown}[] = [];
	const command = createStartCommand({
		pick: async () => choice,
		openWizard: async (options: WizardOptions) => {
			calls.push({to: 'wizard', args: options});
			return 7;
		},
		run: async argv => {
			calls.push({to: 'run', args: argv});
			return 3;
		},
		resume: async argv => {
			calls.push({to: 'resume', args: argv});
			return 4;
		},
	});
	return {command, calls};
}

test('New plan opens the wizard on the current folder and returns its exit code', async () => {
	const {command, calls} = startWith({kind: 'new'});
	assert.equal(await command([], io), 7);
	assert.deepEqual(calls, [{to: 'wizard', args: {workspace: '/work/app'}}]);
});

test('a wizard left unsaved goes back to the start screen; quitting there exits 0', async () => {
	const choices: (StartChoice | undefined)[] = [{kind: 'new'}, {kind: 'new'}, undefined];
	let picks = 0;
	let wizards = 0;
	const command = createStartCommand({
		pick: async () => choices[picks++],
		openWizard: async () => (++wizards, 'cancelled'),
	});
	assert.equal(await command([], io), 0);
	assert.equal(picks, 3);
	assert.equal(wizards, 2);
});

test('a plan runs by its path relative to the current folder; a run resumes by id', async () => {
	const plan = startWith({kind: 'plan', file: '/work/app/plans/x.yaml'});
	assert.equal(await plan.command(['--yes'], io), 3);
	assert.deepEqual(plan.calls, [{to: 'run', args: ['plans/x.yaml', '--yes']}]);
	const run = startWith({kind: 'run', id: '2026-11-27T17-02-11'});
	assert.equal(await run.command([], io), 4);
	assert.deepEqual(run.calls, [{to: 'resume', args: ['2026-11-27T17-02-11']}]);
});

test('quitting the start screen runs nothing and exits 0', async () => {
	const {command, calls} = startWith(undefined);
	assert.equal(await command([], io), 0);
	assert.deepEqual(calls, []);
});
