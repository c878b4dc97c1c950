// The conflict prompt: what happened, in one sentence, the evidence (the exact culprit in a
// worktree; in the shared tree, what each suspect was doing at the time), the choices by single
// key, and which tasks a choice starts again and what becomes of their partial changes.
// It only calls onDecide; the screen turns choices into machine events.

import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {Conflict, ConflictChoice, ConflictHow, TaskRun} from '../../machine/types.js';
import type {Plan} from '../../plan/types.js';
import {ownershipIndex} from '../../plan/ownership.js';
import {dependentsOf, truncate} from '../format.js';
import {useColor} from '../theme.js';
import {evidenceWords, partialChangesWords, suspectEvidence, type IsolationView} from '../work-view.js';

/** Everything the prompt shows, worked out from the conflict and the plan. Pure. */
export type ConflictPromptModel = {
	readonly title: string;
	readonly headline: string;
	readonly foundBy: string;
	readonly owner: string;
	/** "x was stopped. Its changes so far: ..." (only once the culprit is known). */
	readonly stopped?: string;
	/** Suspects to pick from; empty when the culprit is known. */
	readonly suspects: readonly string[];
	/** What each suspect was doing when the change happened, in words, by suspect. */
	readonly evidence: readonly string[];
	/** One line of evidence about the culprit or the suspects ("exact: ..." / the suggestion). */
	readonly evidenceNote?: string;
	/** Words of the grant and defer choices (they depend on whether the culprit already passed). */
	readonly grantWords: string;
	readonly deferWords: string;
	/** Which tasks start again after a choice and what happens to their partial changes. */
	readonly restart: readonly string[];
	readonly culprit?: string;
	/** Grant is offered only when no other task of the phase owns the path. */
	readonly grantOffered: boolean;
	readonly dependents: readonly string[];
	readonly refusal?: string;
	readonly waiting: number;
};

const howWords: Record<ConflictHow, string> = {
	declared: 'declared by the task (FANOUT-NEEDS)',
	watcher: 'file watcher',
	blocked: 'blocked by the hook before the write',
	'agent-report': "the agent's own report of its edits",
	'phase-end-scan': 'the check at the end of the phase',
	diff: "the task's worktree, compared with the phase's snapshot",
	workspace: 'you changed it in the workspace meanwhile',
};

export type ConflictPromptInput = {
	readonly conflict: Conflict;
	/** Conflicts waiting behind this one. */
	readonly waiting: number;
	readonly plan: Plan;
	readonly phaseIndex: number;
	readonly tasks: Readonly<Record<string, TaskRun>>;
	readonly refusal?: string;
	/** The suspect the user picked, when the conflict names several. */
	readonly picked?: string;
	/** Where tasks work (undefined: shared, as without the isolation engine). */
	readonly isolation?: IsolationView['mode'];
};

/** Works out the prompt's text and which choices are open. */
export function conflictPromptModel({conflict, waiting, plan, phaseIndex, tasks, refusal, picked, isolation = 'shared'}: ConflictPromptInput): ConflictPromptModel {
	const culprit = conflict.taskId ?? picked;
	const suspects = conflict.taskId === undefined ? conflict.suspects : [];
	const phase = plan.phases[phaseIndex];
	const verb =
		conflict.how === 'declared'
			? 'asks for'
			: conflict.how === 'blocked'
				? 'tried to change'
				: conflict.changeKind === 'unlink'
					? 'deleted'
					: conflict.changeKind === 'add'
						? 'created'
						: 'changed';
	const who = culprit ?? `one of ${conflict.suspects.join(', ')}`;
	const others = culprit === undefined ? [] : ownershipIndex(plan).ownersOf(conflict.path, phaseIndex).filter(id => id !== culprit);
	const changed = culprit === undefined ? [] : (tasks[culprit]?.changedFiles ?? []);
	const evidence = suspects.length > 0 ? suspectEvidence(conflict, tasks) : [];
	const byId = new Map(evidence.map(e => [e.taskId, evidenceWords(e)]));
	const passed = culprit !== undefined && tasks[culprit]?.status === 'passed';
	const subject = culprit ?? 'the task';
	// Tasks held by this conflict (stopped, waiting) start again once it is settled, whatever the choice.
	const held = [...new Set([...(culprit === undefined ? [] : [culprit]), ...conflict.suspects])].filter(id => id !== culprit && tasks[id]?.status === 'conflicted');
	const restartCulprit = culprit !== undefined && !passed;
	const restart: string[] = [];
	if (restartCulprit) restart.push(`starts again: ${subject} (g: now, d: in a new phase; s and q: no)`);
	else if (passed) restart.push(`${subject} already passed: its work is kept, it does not run again (d is refused)`);
	if (held.length > 0) restart.push(`also starts again after g, d or s: ${held.join(', ')}`);
	if (restartCulprit || held.length > 0) restart.push(partialChangesWords(isolation));
	const exact = isolation === 'worktree' && conflict.taskId !== undefined && conflict.how !== 'declared';
	const evidenceNote = exact
		? `evidence:  the change is in ${conflict.taskId}'s own worktree: the culprit is exact`
		: suspects.length > 1
			? isolation === 'worktree'
				? 'evidence:  the change is in the main workspace, outside every worktree'
				: 'evidence:  one shared tree; isolation: worktree would name the culprit exactly'
			: undefined;
	return {
		title: `Conflict · phase ${phaseIndex + 1}${phase ? ` · ${phase.name}` : ''}`,
		headline: `${who} ${verb} ${conflict.path}, which ${culprit === undefined ? 'none of them owns' : 'it does not own'}.`,
		foundBy: `${howWords[conflict.how]}${conflict.reason ? `: "${conflict.reason}"` : ''}`,
		owner: conflict.owner ?? 'no task owns it',
		stopped:
			culprit === undefined
				? undefined
				: `${culprit} was stopped. Its changes so far: ${changed.length > 0 ? changed.join(', ') : 'none seen'}`,
		suspects,
		evidence: suspects.map(id => byId.get(id) ?? ''),
		...(evidenceNote ? {evidenceNote} : {}),
		grantWords: passed ? `give ${subject} the path and accept the change as its work` : `give ${subject} the path and run it again now`,
		deferWords: `run ${subject} in a new phase after this one, owning the path`,
		restart,
		culprit,
		grantOffered: culprit !== undefined && others.length === 0,
		dependents: culprit === undefined ? [] : dependentsOf(plan, [culprit]),
		refusal,
		waiting,
	};
}

/** Lines the prompt takes for a model (the screen gives the rest to the grid). */
export function conflictPromptHeight(model: ConflictPromptModel): number {
	const body =
		5 + // title, headline, found by, owner, stopped (or "pick")
		(model.suspects.length > 0 ? model.suspects.length : 0) +
		(model.evidenceNote ? 1 : 0) +
		model.restart.length +
		(model.refusal ? 1 : 0) +
		1 + // blank
		(model.grantOffered ? 5 : 4);
	return body + 2;
}

type Props = {
	readonly model: ConflictPromptModel;
	readonly width: number;
	/** The suspect under the cursor (picked once chosen by digit or arrow). */
	readonly onPick: (taskId: string) => void;
	readonly onDecide: (choice: ConflictChoice, taskId: string | undefined) => void;
	/** Keys reach the prompt (false under an overlay or while the editor is open). */
	readonly active?: boolean;
};

/** The prompt. With several suspects, g/d/s wait until a culprit is picked (digits or arrows). */
export function ConflictPrompt({model, width, onPick, onDecide, active = true}: Props) {
	const color = useColor();
	const [cursor, setCursor] = useState<number | undefined>(undefined);
	const picking = model.suspects.length > 0;
	const ready = model.culprit !== undefined;
	const pickAt = (index: number) => {
		const id = model.suspects[index];
		if (id === undefined) return;
		setCursor(index);
		onPick(id);
	};
	useKeys((input, key) => {
		if (picking && /^[1-9]$/.test(input)) pickAt(Number(input) - 1);
		else if (picking && key.upArrow) pickAt(cursor === undefined ? model.suspects.length - 1 : Math.max(0, cursor - 1));
		else if (picking && key.downArrow) pickAt(cursor === undefined ? 0 : Math.min(model.suspects.length - 1, cursor + 1));
		else if (input === 'g' && ready && model.grantOffered) onDecide('grant', model.culprit);
		else if (input === 'd' && ready) onDecide('defer', model.culprit);
		else if (input === 's' && ready) onDecide('skip', model.culprit);
		else if (input === 'e') onDecide('edit', model.culprit);
		else if (input === 'q') onDecide('abort', model.culprit);
	}, active);
	const inner = Math.max(1, width - 4);
	const suspectWidth = Math.max(0, ...model.suspects.map(id => id.length)) + 3;
	const line = (text: string) => truncate(text, inner);
	const subject = model.culprit ?? 'the task';
	const skipWords =
		model.dependents.length > 0
			? `skip ${subject} (${model.dependents.join(', ')} ${model.dependents.length === 1 ? 'depends' : 'depend'} on it and will be skipped too)`
			: `skip ${subject} (no task depends on it)`;
	const choice = (key: string, words: string, open: boolean) => (
		<Text key={key} dimColor={!open} wrap="truncate-end">
			<Text bold={open}>{key}</Text> {line(words)}
		</Text>
	);
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor={color('magenta')} paddingX={1} flexShrink={0}>
			<Text bold color={color('magenta')} wrap="truncate-end">
				{model.title}
				{model.waiting > 0 ? ` · ${model.waiting} more waiting` : ''}
			</Text>
			<Text wrap="truncate-end">{line(model.headline)}</Text>
			<Text wrap="truncate-end">{line(`  found by:  ${model.foundBy}`)}</Text>
			<Text wrap="truncate-end">{line(`  owner:     ${model.owner}`)}</Text>
			{picking ? (
				<Text wrap="truncate-end" color={color(ready ? undefined : 'yellow')}>
					{line(ready ? `  culprit:   ${model.culprit}` : '  Which task made the change? Pick one (1-9 or ↑↓) before choosing.')}
				</Text>
			) : (
				<Text wrap="truncate-end">{line(`  ${model.stopped ?? ''}`)}</Text>
			)}
			{model.suspects.map((id, index) => (
				<Text key={id} wrap="truncate-end" inverse={id === model.culprit}>
					{line(`    ${index + 1} ${id.padEnd(suspectWidth)}${model.evidence[index] ?? ''}`)}
				</Text>
			))}
			{model.evidenceNote ? <Text wrap="truncate-end">{line(`  ${model.evidenceNote}`)}</Text> : null}
			{model.refusal ? (
				<Text color={color('red')} wrap="truncate-end">
					{line(`Refused: ${model.refusal}`)}
				</Text>
			) : null}
			<Text> </Text>
			{model.grantOffered ? choice('g', `grant   ${model.grantWords}`, ready) : null}
			{choice('d', `defer   ${model.deferWords}`, ready)}
			{choice('s', `skip    ${skipWords}`, ready)}
			{choice('e', 'edit    open the revised plan in $EDITOR', true)}
			{choice('q', 'abort   stop the run', true)}
			{model.restart.map(words => (
				<Text key={words} dimColor={!ready} wrap="truncate-end">
					{line(words)}
				</Text>
			))}
		</Box>
	);
}
