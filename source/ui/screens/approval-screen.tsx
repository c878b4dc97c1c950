// Phase approval: the phase about to start, what each task owns, reads and runs.

import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {UserEvent} from '../../machine/types.js';
import type {OrchestratorSnapshot, PhaseInfo} from '../view.js';
import type {Overlay} from '../hooks/overlay.js';
import {Header} from '../components/header.js';
import {PhaseTimeline} from '../components/phase-timeline.js';
import {ResumedNote, resumedNoteHeight} from '../components/resumed-note.js';
import {KeyBar} from '../components/key-bar.js';
import {dependentsOf, truncate} from '../format.js';
import {commandColumn, sharedWordsFor} from '../task-columns.js';
import {wrapHanging} from '../wrap.js';
import {changeTotals, earlierTasks, fileWords, isolationWords, type IsolationView, type TaskChangesLookup} from '../work-view.js';
import {useTaskChanges} from '../hooks/use-work.js';

type Props = {
	readonly snapshot: OrchestratorSnapshot;
	readonly send: (event: UserEvent) => void;
	readonly openOverlay: (overlay: Overlay) => void;
	readonly width: number;
	readonly height: number;
	readonly active: boolean;
	/** Files each task owns today, when the caller counted them (glob expansion reads the disk). */
	readonly ownedFileCounts?: Readonly<Record<string, number>>;
	/** Agents found and missing for this phase, when the caller looked. */
	readonly info?: PhaseInfo;
	/** Agents missing for later phases ("phase 3 (docs) needs codex"): `A` would start them unasked. */
	readonly laterMissing?: readonly string[];
	/** What the earlier phases' tasks changed. */
	readonly taskChanges?: TaskChangesLookup;
	/** Where the phase's tasks will work (and worktree preparation progress). */
	readonly isolation?: IsolationView;
};

/**
 * a/Enter approve, A approve all, s skip (naming the dependents skipped too), q abort. A phase
 * needing an agent that is not installed is not started: its tasks could only fail. The screen
 * says what to install and offers to skip; `A` is refused too while a later phase lacks one.
 */
export function ApprovalScreen({snapshot, send, openOverlay, width, height, active, ownedFileCounts: counts, info, laterMissing = [], taskChanges, isolation}: Props) {
	const ownedFileCounts = info?.ownedFileCounts ?? counts;
	const {context} = snapshot;
	const earlier = earlierTasks(context.plan, context.phaseIndex).filter(id => context.tasks[id]?.endedAt !== undefined);
	const earlierChanges = useTaskChanges(taskChanges, earlier, context.tasks);
	const phase = context.plan.phases[context.phaseIndex];
	const tasks = phase?.tasks ?? [];
	const blocked = (info?.agentsMissing.length ?? 0) > 0;
	const [refusal, setRefusal] = useState<string | undefined>(undefined);
	useKeys(
		(input, key) => {
			if ((input === 'a' || input === 'A' || key.return) && blocked) setRefusal('This phase cannot start until the agent is installed: s skips it, q quits.');
			else if (input === 'A' && laterMissing.length > 0) setRefusal(`Not all at once: ${laterMissing.join('; ')}. Approve phases one by one (a).`);
			else if (input === 'a' || key.return) send({type: 'phase.approve'});
			else if (input === 'A') send({type: 'phase.approveAll'});
			else if (input === 's') send({type: 'phase.skip'});
			else if (input === 'q') openOverlay({kind: 'confirmAbort'});
			else if (input === '?') openOverlay({kind: 'help'});
		},
		active,
	);
	const dependents = dependentsOf(
		context.plan,
		tasks.map(task => task.id),
	);
	// Columns sized by content: what a task owns (with its file count) first, reads only when
	// some task reads, and the command gets the rest (the part that differs when it is cut).
	const ownsText = (task: (typeof tasks)[number]) => {
		const count = ownedFileCounts?.[task.id];
		if (task.owns.length === 0) return 'owns nothing';
		return `owns ${task.owns.join(' ')}${count === undefined ? '' : ` (${count} ${count === 1 ? 'file' : 'files'})`}`;
	};
	const readsText = (task: (typeof tasks)[number]) => (task.reads.length > 0 ? `reads ${task.reads.join(' ')}` : '');
	const idWidth = Math.max(4, ...tasks.map(task => task.id.length)) + 2;
	const usable = Math.max(0, width - 3 - idWidth);
	const ownsWidth = Math.min(Math.max(12, ...tasks.map(task => ownsText(task).length + 2)), Math.max(12, Math.floor(usable * 0.55)));
	const anyReads = tasks.some(task => task.reads.length > 0);
	const readsWidth = anyReads ? Math.min(Math.max(...tasks.map(task => readsText(task).length + 2)), Math.max(10, Math.floor(usable * 0.25))) : 0;
	const commandWidth = Math.max(0, usable - ownsWidth - readsWidth - 1);
	const shared = sharedWordsFor(tasks, commandWidth);
	const agentLines = [
		...(info && info.agentsFound.length > 0 ? [{text: ` Agents found on PATH: ${info.agentsFound.join(', ')}.`, missing: false}] : []),
		...(info?.agentsMissing ?? []).map(m => ({text: ` ${m.agent} is not installed (needed by ${m.tasks.join(', ')}): ${m.install}`, missing: true})),
		...(blocked ? [{text: ' This phase cannot start without it. Install it and run again (fanout resume), or s to skip the phase.', missing: true}] : []),
		...(refusal ? [{text: ` ${refusal}`, missing: true}] : []),
	];
	const isolationLines = (() => {
		const words = isolationWords(isolation);
		return words ? wrapHanging(` ${words}`, width, '   ').slice(0, 2) : [];
	})();
	// Header, timeline, blank, phase line, blank, skip line, agent lines, isolation, key bar.
	const room = Math.max(0, height - 7 - agentLines.length - isolationLines.length - resumedNoteHeight(context));
	const shown = tasks.length > room ? tasks.slice(0, Math.max(0, room - 1)) : tasks;
	const hidden = tasks.length - shown.length;
	// What the earlier phases changed, per task, in the lines the phase's own tasks leave.
	const changed = earlier.flatMap(id => {
		const found = earlierChanges.get(id);
		return found && found.files.length > 0 ? [{id, files: found.files}] : [];
	});
	const changeRoom = Math.max(0, room - shown.length - (hidden > 0 ? 1 : 0) - 2);
	const changeIdWidth = Math.max(4, ...changed.map(c => c.id.length)) + 2;
	const changeLines =
		changed.length === 0 || changeRoom < 2
			? []
			: [
					' Changed by earlier phases:',
					...changed
						.slice(0, changeRoom - 1)
						.map(({id, files}) => truncate(`   ${id.padEnd(changeIdWidth)}${changeTotals(files).padEnd(20)}${files.map(fileWords).join(' · ')}`, width)),
				];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Header context={context} width={width} note="waiting for you" clockStopped={context.firstApprovedAt === undefined} />
			<PhaseTimeline plan={context.plan} phases={context.phases} current={context.phaseIndex} width={width} />
			<ResumedNote context={context} />
			<Text> </Text>
			<Text bold wrap="truncate-end">
				{' '}
				Phase {context.phaseIndex + 1} ({phase?.mode ?? 'parallel'}): {phase?.name ?? ''}, {tasks.length} {tasks.length === 1 ? 'task' : 'tasks'}
			</Text>
			{shown.map(task => {
				const run = context.tasks[task.id];
				// Skipped before the phase starts (a dependency failed and the user went on): said, with why.
				if (run?.status === 'skipped') {
					return (
						<Text key={task.id} wrap="truncate-end" dimColor>
							{'   '}
							{task.id.padEnd(idWidth)}
							{`skipped: ${run.reason ?? 'will not run'}`}
						</Text>
					);
				}
				return (
					<Text key={task.id} wrap="truncate-end">
						{'   '}
						<Text bold>{task.id.padEnd(idWidth)}</Text>
						{truncate(ownsText(task), ownsWidth - 1).padEnd(ownsWidth)}
						{anyReads ? truncate(readsText(task), readsWidth - 1).padEnd(readsWidth) : ''}
						<Text dimColor>{commandColumn(task, context.plan, commandWidth, shared)}</Text>
					</Text>
				);
			})}
			{hidden > 0 ? <Text dimColor>{`   +${hidden} more tasks (make the terminal taller to see them)`}</Text> : null}
			<Text> </Text>
			<Text wrap="truncate-end" dimColor>
				{dependents.length > 0 ? ` Skipping this phase also skips ${dependents.join(', ')}.` : ' No later task depends on this phase.'}
			</Text>
			{agentLines.map(line => (
				<Text key={line.text} wrap="truncate-end" color={line.missing ? 'red' : undefined} dimColor={!line.missing}>
					{line.text}
				</Text>
			))}
			{isolationLines.map((line, i) => (
				<Text key={`isolation-${i}`} wrap="truncate-end" dimColor>
					{line}
				</Text>
			))}
			{changeLines.length > 0 ? <Text> </Text> : null}
			{changeLines.map((line, i) => (
				<Text key={`changed-${i}`} wrap="truncate-end" bold={i === 0}>
					{line}
				</Text>
			))}
			<Box flexGrow={1} />
			<KeyBar
				width={width}
				keys={[
					...(blocked
						? []
						: ([
								['a', 'approve'],
								['A', 'approve all phases'],
							] as const)),
					['s', 'skip phase'],
					['?', 'keys'],
					['q', 'quit'],
				]}
			/>
		</Box>
	);
}
