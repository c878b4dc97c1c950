// The wizard keeps a proposal's text true after edits: prompts and the shared-files note follow
// a task's owns, unless the user wrote the prompt by hand.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {editContext, initialContext, proposeFromScope} from '../../source/machine/wizard-context.js';
import type {WizardContext} from '../../source/machine/wizard-types.js';

const files = ['lib/api/a.js', 'lib/db/b.js', 'lib/utils.js', 'package.json'];

function proposed(): WizardContext {
	const start = initialContext({files, goal: 'Add logging', workspaceFor: undefined} as unknown as Parameters<typeof initialContext>[0]);
	return {...start, ...proposeFromScope(start)};
}

const promptOf = (context: WizardContext, id: string) => context.plan!.phases.flatMap(p => p.tasks).find(t => t.id === id)!.prompt!;

test('giving a module task a shared file: its prompt stops forbidding it, the note names both owners', () => {
	let context = proposed();
	assert.match(promptOf(context, 'api'), /Do not edit the shared files \(lib\/utils\.js, package\.json\)/);
	context = {...context, ...editContext(context, {kind: 'task.globs', taskId: 'api', field: 'owns', globs: ['lib/api/**', 'lib/utils.js']})};
	const api = promptOf(context, 'api');
	assert.doesNotMatch(api, /Do not edit[^.]*lib\/utils\.js/);
	assert.match(api, /You own lib\/utils\.js too/);
	assert.match(api, /Do not edit the shared files \(package\.json\)/);
	// db did not change: it is still told to leave both alone.
	assert.match(promptOf(context, 'db'), /Do not edit the shared files \(lib\/utils\.js, package\.json\)/);
	assert.ok(context.notes.includes('lib/utils.js is shared: given to the api and integrate tasks.'), context.notes.join('\n'));
	assert.ok(context.notes.includes('package.json is shared: given to the integrate task.'), context.notes.join('\n'));
	assert.ok(!context.notes.some(n => n.startsWith('lib/utils.js, package.json are shared')));
	// Taking the file from the integration task: its prompt names only what it still owns.
	context = {...context, ...editContext(context, {kind: 'task.globs', taskId: 'integrate', field: 'owns', globs: ['package.json']})};
	assert.match(promptOf(context, 'integrate'), /in the shared files \(package\.json\):/);
	assert.ok(context.notes.includes('lib/utils.js is shared: given to the api task.'), context.notes.join('\n'));
	// Giving it back restores the proposed text.
	context = {...context, ...editContext(context, {kind: 'task.globs', taskId: 'api', field: 'owns', globs: ['lib/api/**']})};
	assert.equal(promptOf(context, 'api'), promptOf(proposed(), 'api'));
});

test('a prompt edited by hand is left as written; a renamed task still follows', () => {
	let context = proposed();
	context = {...context, ...editContext(context, {kind: 'task.prompt', taskId: 'db', prompt: 'My own words about lib/utils.js.'})};
	context = {...context, ...editContext(context, {kind: 'task.globs', taskId: 'db', field: 'owns', globs: ['lib/db/**', 'lib/utils.js']})};
	assert.equal(promptOf(context, 'db'), 'My own words about lib/utils.js.');
	context = {...context, ...editContext(context, {kind: 'task.rename', taskId: 'api', newId: 'web'})};
	context = {...context, ...editContext(context, {kind: 'task.globs', taskId: 'web', field: 'owns', globs: ['lib/api/**', 'package.json']})};
	assert.match(promptOf(context, 'web'), /You own package\.json too[\s\S]*Do not edit the shared files \(lib\/utils\.js\)/);
});
