// Plan review (reviewing, invalid): the plan as a tree, findings next to the tasks they concern.

import {stateOf} from '../../machine/state.js';
import {useState, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {UserEvent} from '../../machine/types.js';
import type {Finding} from '../../plan/types.js';
import type {OrchestratorSnapshot} from '../view.js';
import type {Overlay} from '../hooks/overlay.js';
import {resumedWords} from '../components/resumed-note.js';
import {KeyBar, type KeyHint} from '../components/key-bar.js';
import {commandColumn, commandNeed, ownsWords, sharedRunWords, sharedWordsFor} from '../task-columns.js';
import {planTasks, truncate} from '../format.js';
import {wrapHanging} from '../wrap.js';
import {useColor} from '../theme.js';
import {isolationWords, type IsolationView} from '../work-view.js';

type Props = {
	readonly snapshot: OrchestratorSnapshot;
	readonly send: (event: UserEvent) => void;
	readonly openOverlay: (overlay: Overlay) => void;
	/** Leaves fanout (an invalid plan cannot start). */
	readonly onExit: (code: number) => void;
	/** `e`: leave to edit the plan file and start over from it (only where there is a file to edit). */
	readonly onEditPlanFile?: () => void;
	readonly width: number;
	readonly height: number;
	readonly active: boolean;
	/** Where the tasks will work, when the engine says. */
	readonly isolation?: IsolationView;
};

type Row = {readonly key: string; readonly node: ReactNode};

/** enter start (valid only) · ↑↓ scroll · q quit. */
export function ReviewScreen({snapshot, send, openOverlay, onExit, onEditPlanFile, width, height, active, isolation}: Props) {
	const color = useColor();
	const {context} = snapshot;
	const invalid = stateOf(snapshot) === 'invalid' || !context.report.valid;
	const [offset, setOffset] = useState(0);
	const {plan, report} = context;
	const findings: Finding[] = [...report.errors, ...report.warnings];
	const rows: Row[] = [];
	// A finding wraps under itself rather than ending in `…`: its advice is at the end.
	const finding = (f: Finding, indent: string, key: string) => {
		const mark = f.severity === 'error' ? '✗' : '!';
		const text = `${indent}${mark} ${f.message} (${f.file}:${f.line}:${f.column})`;
		wrapHanging(text, Math.max(10, width - 1), `${indent}  `).forEach((line, i) =>
			rows.push({
				key: `${key}:${i}`,
				node: (
					<Text wrap="truncate-end" color={color(f.severity === 'error' ? 'red' : 'yellow')}>
						{line}
					</Text>
				),
			}),
		);
	};
	const tasks = planTasks(plan).map(({task}) => task);
	const taskCount = tasks.length;
	const describe = (task: (typeof tasks)[number]) => {
		const after = task.dependsOn.length > 0 ? `after ${task.dependsOn.join(', ')}` : '';
		return [task.title ?? '', after].filter(Boolean).join(' · ');
	};
	// Columns sized by their content and the width: the command gets what is left, and shows
	// the part that differs between tasks when it does not fit whole.
	const prefix = 5;
	const idWidth = Math.max(4, ...tasks.map(task => task.id.length)) + 2;
	const ownsWidth = Math.min(Math.max(12, ...tasks.map(task => ownsWords(task).length + 2)), Math.max(12, Math.floor(width * 0.3)));
	const rest = Math.max(0, width - prefix - idWidth - ownsWidth - 1);
	const shared = sharedRunWords(tasks);
	// The description takes what it needs when the commands' differing parts still fit beside it.
	const describeNeed = Math.max(0, ...tasks.map(task => describe(task).length + 2));
	const commandRoom = Math.min(commandNeed(tasks, plan, shared), Math.floor(rest / 2));
	const describeWidth = Math.min(describeNeed, Math.max(10, rest - commandRoom));
	const commandWidth = Math.max(0, rest - describeWidth);
	const leftOut = sharedWordsFor(tasks, commandWidth);
	const resumed = resumedWords(context);
	if (resumed !== undefined) rows.push({key: 'resumed', node: <Text wrap="truncate-end" color={color('yellow')}> {resumed}</Text>});
	plan.phases.forEach((phase, phaseIndex) => {
		rows.push({
			key: `phase-${phaseIndex}`,
			node: (
				<Text bold wrap="truncate-end">
					{' '}
					Phase {phaseIndex + 1} ({phase.mode}): {phase.name}
				</Text>
			),
		});
		phase.tasks.forEach((task, taskIndex) => {
			const last = taskIndex === phase.tasks.length - 1;
			const owns = ownsWords(task);
			rows.push({
				key: `task-${task.id}`,
				node: (
					<Text wrap="truncate-end">
						{' '}
						{last ? '└── ' : '├── '}
						{task.id.padEnd(idWidth)}
						<Text color={color(task.owns.length === 0 ? undefined : 'cyan')} dimColor={task.owns.length === 0}>
							{truncate(owns, ownsWidth - 2).padEnd(ownsWidth)}
						</Text>
						{truncate(describe(task), describeWidth - 2).padEnd(describeWidth)}
						<Text dimColor>{commandColumn(task, plan, commandWidth, leftOut)}</Text>
					</Text>
				),
			});
			findings
				.filter(f => f.tasks.includes(task.id))
				.forEach((f, i) => finding(f, last ? '        ' : ' │      ', `f-${task.id}-${i}`));
		});
	});
	rows.push({key: 'blank', node: <Text> </Text>});
	const unattached = findings.filter(f => !f.tasks.some(id => plan.phases.some(phase => phase.tasks.some(task => task.id === id))));
	const errors = report.errors.length;
	const warnings = report.warnings.length;
	rows.push({
		key: 'verdict',
		node: invalid ? (
			<Text color={color('red')} wrap="truncate-end">
				{' '}
				✗ invalid · {errors} {errors === 1 ? 'error' : 'errors'}: {onEditPlanFile ? `press e to fix ${context.planFile}` : `fix ${context.planFile} and run again`}
			</Text>
		) : (
			<Text color={color('green')} wrap="truncate-end">
				{' '}
				✓ valid{warnings > 0 ? ` · ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''}
			</Text>
		),
	});
	unattached.forEach((f, i) => finding(f, ' ', `f-plan-${i}`));
	if (plan.verify.length > 0) {
		rows.push({key: 'verify', node: <Text wrap="truncate-end"> verify: {plan.verify.join(' → ')}</Text>});
	}
	const isolationText = isolationWords(isolation);
	if (isolationText) {
		wrapHanging(` ${isolationText}`, Math.max(10, width - 1), '   ').forEach((line, i) =>
			rows.push({
				key: `isolation-${i}`,
				node: (
					<Text wrap="truncate-end" dimColor>
						{line}
					</Text>
				),
			}),
		);
	}

	// Title, goal, blank above; key bar below.
	const room = Math.max(1, height - 4);
	const maxOffset = Math.max(0, rows.length - room);
	const top = Math.min(offset, maxOffset);
	const overflow = rows.length > room;
	const window = rows.slice(top, top + (overflow ? room - 1 : room));
	useKeys(
		(input, key) => {
			if (key.return && !invalid) send({type: 'plan.start'});
			else if (input === 'q') {
				if (invalid) onExit(2);
				else send({type: 'run.abort'});
			} else if (input === '?') openOverlay({kind: 'help'});
			else if (input === 'e' && onEditPlanFile) onEditPlanFile();
			else if (key.upArrow || input === 'k') setOffset(Math.max(0, top - 1));
			else if (key.downArrow || input === 'j') setOffset(Math.min(maxOffset, top + 1));
		},
		active,
	);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate-end" bold>
						{' '}
						fanout · {plan.name} · {plan.pattern} · {plan.phases.length} {plan.phases.length === 1 ? 'phase' : 'phases'} · {taskCount}{' '}
						{taskCount === 1 ? 'task' : 'tasks'}
					</Text>
				</Box>
				<Box flexShrink={0} marginLeft={2}>
					<Text dimColor>{context.planFile}</Text>
				</Box>
			</Box>
			<Text dimColor wrap="truncate-end">
				{' '}
				{plan.goal ?? ''}
			</Text>
			<Text> </Text>
			{window.map(row => (
				<Box key={row.key} width={width}>
					{row.node}
				</Box>
			))}
			{overflow ? (
				<Text dimColor>
					{' '}
					{top > 0 ? `↑ ${top} above · ` : ''}
					{rows.length - top - window.length > 0 ? `↓ ${rows.length - top - window.length} more` : ''}
				</Text>
			) : null}
			<Box flexGrow={1} />
			<KeyBar
				width={width}
				keys={[
					...(invalid ? [] : ([['enter', 'start']] as KeyHint[])),
					...(onEditPlanFile ? ([['e', 'edit plan']] as KeyHint[]) : []),
					['↑↓', 'scroll'],
					...(invalid ? [] : ([['?', 'keys']] as KeyHint[])),
					['q', 'quit'],
				]}
			/>
		</Box>
	);
}
