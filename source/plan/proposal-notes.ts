// The words a proposal uses about shared files: the note saying who was given them, the hint in a
// module task's prompt, the integration task's list; and keeping those words true after the
// wizard edits who owns what (fitPromptToOwns, fitNotesToOwns).

import {compileGlobs} from './ownership.js';
import type {Plan, Task} from './types.js';
import type {SharedFile} from './workspace-tree.js';

export const listPaths = (paths: readonly string[]) => paths.join(', ');

/** Globs as a reader would say them: `src/api/**` is `src/api/`. */
export const describeGlobs = (globs: readonly string[]) => listPaths(globs.map(g => (g === '**' ? 'the whole workspace' : g.replace(/\/\*\*$/, '/'))));

export function sharedNote(shared: readonly SharedFile[], taskId: string): string {
	return sharedNoteOf(shared.map(s => s.path), taskId);
}

function sharedNoteOf(paths: readonly string[], owners: string | readonly string[]): string {
	const names = typeof owners === 'string' ? [owners] : owners;
	return `${listPaths(paths)} ${paths.length === 1 ? 'is' : 'are'} shared: given to the ${names.join(' and ')} task${names.length === 1 ? '' : 's'}.`;
}

/** What a module task's prompt says about the shared files it must leave alone ('' for none). */
export function sharedHint(paths: readonly string[]): string {
	return paths.length === 0 ? '' : ` Do not edit the shared files (${listPaths(paths)}): the integration task updates them after you; name in your final report what they need.`;
}

/** Where the integration task's prompt says its shared files are. */
export function integrationFiles(paths: readonly string[]): string {
	return `in the shared files (${listPaths(paths)})`;
}

const sharedHintPattern = / Do not edit the shared files \([^)]*\): the integration task updates them after you; name in your final report what they need\./;
const integrationFilesPattern = /in the shared files \([^)]*\)/;
const sharedNotePattern = / (?:is|are) shared: given to the .+ tasks?\.$/;

/**
 * A proposed prompt (`base`, as proposePlan wrote it) fitted to its task's current owns, after an
 * edit in the wizard: a module task is no longer told to leave alone the shared files it now
 * owns (and is told again when it gives them back), and the integration task's list of shared
 * files names only those it still owns. Any other prompt comes back as it was.
 */
export function fitPromptToOwns(base: string, task: Pick<Task, 'owns'>, shared: readonly string[]): string {
	const owns = compileGlobs(task.owns);
	const owned = shared.filter(path => owns(path));
	// A module task given shared files hears that it may change them, beside its folder.
	const alsoOwned = owned.length === 0 ? '' : ` You own ${listPaths(owned)} too: change ${owned.length === 1 ? 'it' : 'them'} as the goal needs.`;
	return base
		.replace(sharedHintPattern, () => `${alsoOwned}${sharedHint(shared.filter(path => !owns(path)))}`)
		.replace(integrationFilesPattern, () => (owned.length > 0 ? integrationFiles(owned) : `in ${describeGlobs(task.owns)}`));
}

/**
 * The proposal's notes with the ones saying who was given the shared files rewritten from the
 * plan as it is now (one note per owner; a file nobody owns is said so).
 */
export function fitNotesToOwns(notes: readonly string[], plan: Plan, shared: readonly string[]): string[] {
	const at = notes.findIndex(note => sharedNotePattern.test(note));
	if (at < 0 || shared.length === 0) return [...notes];
	const tasks = plan.phases.flatMap(phase => phase.tasks).map(task => ({id: task.id, owns: compileGlobs(task.owns)}));
	const byOwners = new Map<string, {owners: string[]; paths: string[]}>();
	for (const path of shared) {
		const owners = tasks.filter(task => task.owns(path)).map(task => task.id);
		const group = byOwners.get(owners.join(' ')) ?? {owners, paths: []};
		group.paths.push(path);
		byOwners.set(owners.join(' '), group);
	}
	const fresh = [...byOwners.values()].map(({owners, paths}) => (owners.length === 0 ? `${listPaths(paths)} ${paths.length === 1 ? 'is' : 'are'} shared and owned by no task: give ${paths.length === 1 ? 'it' : 'them'} to one.` : sharedNoteOf(paths, owners)));
	const rest = notes.filter(note => !sharedNotePattern.test(note));
	return [...rest.slice(0, at), ...fresh, ...rest.slice(at)];
}
