// The live grid (running, verifying) and the conflict prompt over it (conflict).

import {stateOf} from '../../machine/state.js';
import {useState} from 'react';
import {Box} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {StepTimeContext, useFrameSample} from '../hooks/clock.js';
import type {ConflictChoice, UserEvent} from '../../machine/types.js';
import type {Plan} from '../../plan/types.js';
import type {Conflict} from '../../machine/types.js';
import type {OutputStore} from '../../runner/types.js';
import type {OrchestratorSnapshot} from '../view.js';
import type {Overlay} from '../hooks/overlay.js';
import {Header} from '../components/header.js';
import {PhaseTimeline} from '../components/phase-timeline.js';
import {PaneGrid} from '../components/pane-grid.js';
import {KeyBar, type KeyHint} from '../components/key-bar.js';
import {ConflictPrompt, conflictPromptHeight, conflictPromptModel} from '../components/conflict-prompt.js';
import {gridLayout, isSmallTerminal, moveFocus, moveRowFocus} from '../layout.js';
import {currentPanes} from '../panes.js';
import type {IsolationView} from '../work-view.js';

/** Lets the user edit the revised plan (in $EDITOR); undefined when they gave up. */
export type EditPlan = (plan: Plan, conflict: Conflict) => Promise<Plan | undefined>;

type Props = {
	readonly snapshot: OrchestratorSnapshot;
	readonly store: OutputStore;
	readonly send: (event: UserEvent) => void;
	readonly openOverlay: (overlay: Overlay) => void;
	readonly width: number;
	readonly height: number;
	/** The terminal's rows, for the one-column rule. */
	readonly terminalRows: number;
	/** Keys go to this screen (no overlay open). */
	readonly active: boolean;
	readonly onEditPlan?: EditPlan;
	/** Where tasks work: the conflict prompt's evidence and words, worktree preparation progress. */
	readonly isolation?: IsolationView;
};

/** Header, phase timeline, panes, conflict prompt when one is open, key bar. */
export function RunScreen({snapshot, store, send, openOverlay, width, height, terminalRows, active, onEditPlan, isolation}: Props) {
	const {context} = snapshot;
	const state = stateOf(snapshot);
	const panes = currentPanes(state, context);
	const [focusIndex, setFocus] = useState(0);
	const focus = Math.min(focusIndex, Math.max(0, panes.length - 1));
	const [picked, setPicked] = useState<{readonly conflictId: number; readonly taskId: string} | undefined>(undefined);
	const [editing, setEditing] = useState(false);
	// Why the last edit went nowhere (the editor could not start, or failed), shown like a refusal.
	const [editProblem, setEditProblem] = useState<{readonly conflictId: number; readonly reason: string} | undefined>(undefined);

	const conflict = state === 'conflict' ? context.conflicts[0] : undefined;
	const model = conflict
		? conflictPromptModel({
				conflict,
				waiting: context.conflicts.length - 1,
				plan: context.plan,
				phaseIndex: context.phaseIndex,
				tasks: context.tasks,
				refusal: context.refusal ?? (editProblem?.conflictId === conflict.id ? editProblem.reason : undefined),
				picked: picked?.conflictId === conflict.id ? picked.taskId : undefined,
				...(isolation ? {isolation: isolation.mode} : {}),
			})
		: undefined;

	const showGoal = height >= 20 && Boolean(context.plan.goal);
	const chrome = 3 + (showGoal ? 1 : 0);
	const promptHeight = model ? conflictPromptHeight(model) : 0;
	const gridHeight = Math.max(0, height - chrome - promptHeight);
	const oneColumn = isSmallTerminal(width, terminalRows);
	const layout = gridLayout({width, height: Math.max(1, gridHeight), count: panes.length, focus, oneColumn});
	const focused = panes[focus];
	// Spinners, running clocks and the shown tails move in one render per clock tick: one frame.
	const animate = panes.some(pane => pane.status === 'running');
	const shownKeys = layout.list ? [] : panes.slice(layout.start, layout.end).map(pane => pane.key);
	const sample = useFrameSample(store, shownKeys, animate);

	const decide = (choice: ConflictChoice, taskId: string | undefined) => {
		if (choice !== 'edit') {
			send({type: 'conflict.decide', choice, ...(taskId ? {taskId} : {})});
			return;
		}
		if (!onEditPlan || !conflict || editing) return;
		setEditing(true);
		// The editor owns the terminal meanwhile; an edit given up leaves the prompt as it was.
		onEditPlan(context.plan, conflict).then(
			plan => {
				setEditing(false);
				setEditProblem(undefined);
				if (plan) send({type: 'conflict.decide', choice: 'edit', plan, ...(taskId ? {taskId} : {})});
			},
			(error: unknown) => {
				setEditing(false);
				setEditProblem({conflictId: conflict.id, reason: `the edit failed: ${error instanceof Error ? error.message : String(error)}`});
			},
		);
	};

	// Task rows (compact layout) run top to bottom, then the next column; panes left to right.
	const move = (current: number, direction: 'up' | 'down' | 'left' | 'right') =>
		layout.compact ? moveRowFocus(current, panes.length, layout.compact.listRows, direction) : moveFocus(current, panes.length, layout.columns, direction);
	useKeys(
		(input, key) => {
			const count = panes.length;
			// Functional updates: several keys can arrive between two renders.
			const step = (next: (current: number) => number) => setFocus(current => next(Math.min(current, Math.max(0, count - 1))));
			if (key.tab && key.shift) step(current => (current - 1 + count) % Math.max(1, count));
			else if (key.tab) step(current => (current + 1) % Math.max(1, count));
			else if (key.return && focused) openOverlay({kind: 'log', key: focused.key});
			else if (input === '?') openOverlay({kind: 'help'});
			// In the prompt, arrows pick suspects and q aborts through the prompt itself.
			else if (model) return;
			else if (key.upArrow || input === 'k') step(current => move(current, 'up'));
			else if (key.downArrow || input === 'j') step(current => move(current, 'down'));
			else if (key.leftArrow || input === 'h') step(current => move(current, 'left'));
			else if (key.rightArrow || input === 'l') step(current => move(current, 'right'));
			else if (input === 'd' && focused && context.tasks[focused.key]) openOverlay({kind: 'diff', taskId: focused.key});
			else if (input === 'x' && focused?.status === 'running' && state === 'running') openOverlay({kind: 'confirmStop', taskId: focused.key});
			else if (input === 'r' && focused && (focused.status === 'failed' || focused.status === 'stopped') && state === 'running')
				send({type: 'task.retry', taskId: focused.key});
			else if (input === 'q') openOverlay({kind: 'confirmAbort'});
		},
		active,
	);

	const keys: KeyHint[] = model
		? [
				...(model.suspects.length > 0 ? ([['1-9', 'pick culprit']] as KeyHint[]) : []),
				...(model.grantOffered ? ([['g', 'grant']] as KeyHint[]) : []),
				['d', 'defer'],
				['s', 'skip'],
				['e', editing ? 'editing…' : 'edit'],
				['q', 'abort'],
				['tab', 'focus'],
				['enter', 'log'],
				['?', 'keys'],
			]
		: [
				['←↑↓→', 'focus'],
				['enter', 'log'],
				['d', 'diff'],
				['x', 'stop'],
				['r', 'retry'],
				['?', 'keys'],
				['q', 'quit'],
			];
	return (
		<StepTimeContext.Provider value={sample.stepTime}>
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<Header context={context} width={width} showGoal={showGoal} alert={store.stalled} note={
						isolation?.progress
							? `preparing worktrees ${isolation.progress.done}/${isolation.progress.total}`
							: state === 'verifying'
								? 'verifying'
								: state === 'conflict'
									? 'conflict: waiting for you'
									: undefined
					}
				/>
				<PhaseTimeline plan={context.plan} phases={context.phases} current={context.phaseIndex} width={width} />
				{model ? (
					<ConflictPrompt
						key={conflict?.id}
						model={model}
						width={width}
						onPick={taskId => conflict && setPicked({conflictId: conflict.id, taskId})}
						onDecide={decide}
						active={active && !editing}
					/>
				) : null}
				<PaneGrid panes={panes} store={store} width={width} height={gridHeight} focus={focus} oneColumn={oneColumn} versions={layout.list ? undefined : sample.versions} />
				<KeyBar keys={keys} width={width} />
			</Box>
		</StepTimeContext.Provider>
	);
}
