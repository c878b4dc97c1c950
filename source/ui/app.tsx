// Thin root: picks the screen from the orchestrator's state and puts the overlay of the moment
// over it; provides the colour switch, the shared clock and key routing. Nothing else.

import {stateOf} from '../machine/state.js';
import {useMemo} from 'react';
import {Box} from 'ink';
import type {OutputStore} from '../runner/types.js';
import type {Plan} from '../plan/types.js';
import {sanitizeLine} from '../text/sanitize.js';
import type {OrchestratorView, PhaseInfo} from './view.js';
import {useOrchestrator} from './hooks/use-orchestrator.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {ClockContext, createClock, type Clock} from './hooks/clock.js';
import {KeysProvider} from './hooks/use-keys.js';
import {useOverlay} from './hooks/use-overlay.js';
import {ColorContext, colorFromEnv} from './theme.js';
import {exitCode} from '../machine/exit-code.js';
import {confirmDialogHeight} from './components/confirm-dialog.js';
import {FullScreenLayer, OverlayDialog, isDialog, isFullScreen} from './components/overlay-layer.js';
import {ValidatingScreen} from './screens/validating-screen.js';
import {ReviewScreen} from './screens/review-screen.js';
import {ApprovalScreen} from './screens/approval-screen.js';
import {RunScreen, type EditPlan} from './screens/run-screen.js';
import {PhaseFailedScreen} from './screens/phase-failed-screen.js';
import {SummaryScreen, type WriteBack} from './screens/summary-screen.js';
import type {IsolationLookup, TaskChangesLookup} from './work-view.js';
import {useIsolation} from './hooks/use-work.js';

export type {OrchestratorView} from './view.js';

/** The App's inputs: the actor to read and steer, the runner's tails, and the ways out. */
export type AppProps = {
	readonly actor: OrchestratorView;
	readonly store: OutputStore;
	/** Called once the user leaves (summary q, invalid plan q, Ctrl-C on a finished run). */
	readonly onExit: (code: number) => void;
	/** Writes the last plan revision over the original plan file (summary `w`). */
	readonly onWriteBack?: WriteBack;
	/** Opens the revised plan in $EDITOR (conflict `e`); undefined when the user gave up. */
	readonly onEditPlan?: EditPlan;
	/** Leaves so the caller can open the plan file in $EDITOR and start over (plan review `e`). */
	readonly onEditPlanFile?: () => void;
	/** Applied to every log line shown in the log view (default: the runner's sanitizer). */
	readonly sanitize?: (line: string) => string;
	/** Colour on or off (default: NO_COLOR / FORCE_COLOR from the environment). */
	readonly color?: boolean;
	/** The shared clock's rate: spinners and tail sampling (default 10). */
	readonly fps?: number;
	/** The shared clock, when the caller feeds it frame costs (see tui.tsx); else one is made. */
	readonly clock?: Clock;
	readonly now?: () => number;
	/** Files each task owns today, for the approval screen. */
	readonly ownedFileCounts?: Readonly<Record<string, number>>;
	/** fanout is leaving (tui.tsx draws one last frame with it): no key bar, no question, in the last frame. */
	readonly closing?: boolean;
	/** What the approval screen says about a phase (files owned today, agents on PATH): a lookup, computed by the engine, not here. */
	readonly phaseInfo?: (phaseIndex: number, plan: Plan) => PhaseInfo | undefined;
	/** Keys typed while the app started arrive as one chunk: split them into keys (tui.tsx sets it). */
	readonly startupKeys?: boolean;
	/** What a task changed (files, +/-, patch): the engine's record, for `d` and the files columns. */
	readonly taskChanges?: TaskChangesLookup;
	/** Where tasks work (worktree or shared), and worktree preparation progress. */
	readonly isolation?: IsolationLookup;
};

const finalStates = new Set(['invalid', 'done', 'failed', 'aborted']);

/** The interactive UI of one run. Render with `exitOnCtrlC: false`: Ctrl-C is handled here. */
export function App({color, fps = 10, now = Date.now, clock: given, startupKeys = false, ...rest}: AppProps) {
	const clock = useMemo(() => given ?? createClock(fps, now), [given, fps, now]);
	const colorOn = useMemo(() => color ?? colorFromEnv(), [color]);
	return (
		<ColorContext.Provider value={colorOn}>
			<ClockContext.Provider value={clock}>
				<KeysProvider splitFirst={startupKeys} {...(rest.actor.pending ? {pending: () => rest.actor.pending?.()} : {})}>
					<Root {...rest} />
				</KeysProvider>
			</ClockContext.Provider>
		</ColorContext.Provider>
	);
}

type RootProps = Omit<AppProps, 'color' | 'fps' | 'now' | 'clock' | 'startupKeys'>;

function Root({actor, store, onExit, onWriteBack, onEditPlan, onEditPlanFile, sanitize = sanitizeLine, ownedFileCounts, phaseInfo, closing = false, taskChanges, isolation: isolationLookup}: RootProps) {
	const isolation = useIsolation(isolationLookup);
	const work = {...(taskChanges ? {taskChanges} : {}), ...(isolation ? {isolation} : {})};
	const snapshot = useOrchestrator(actor);
	const {columns: width, rows} = useTerminalSize();
	const state = stateOf(snapshot);
	const {context} = snapshot;
	const send = actor.send.bind(actor);
	// Looked up once per phase (and plan revision) awaiting approval, not on every frame.
	const approvalInfo = useMemo(
		() => (state === 'awaitingApproval' ? phaseInfo?.(context.phaseIndex, context.plan) : undefined),
		[state, context.phaseIndex, context.plan, phaseInfo],
	);
	// Agents missing for later phases: `A` would start those phases without showing this screen.
	const laterMissing = useMemo(() => {
		if (state !== 'awaitingApproval' || !phaseInfo) return [];
		return context.plan.phases.slice(context.phaseIndex + 1).flatMap((phase, i) => {
			const missing = phaseInfo(context.phaseIndex + 1 + i, context.plan)?.agentsMissing ?? [];
			return missing.length > 0 ? [`phase ${context.phaseIndex + 2 + i} (${phase.name}) needs ${missing.map(m => m.agent).join(', ')}, not installed`] : [];
		});
	}, [state, context.phaseIndex, context.plan, phaseInfo]);
	const control = useOverlay(state, finalStates.has(state), send, () => onExit(exitCode(state, context)));
	// Ink clears the whole terminal once a frame reaches its height: stay one line short.
	const height = Math.max(1, rows - 1);
	const screenHeight = isDialog(control) ? Math.max(1, height - confirmDialogHeight) : height;
	const common = {snapshot, send, openOverlay: control.open, width, height: screenHeight, active: control.overlay.kind === 'none'};

	let screen;
	switch (state) {
		case 'validating':
			screen = <ValidatingScreen planFile={context.planFile} width={width} height={screenHeight} />;
			break;
		case 'reviewing':
		case 'invalid':
			screen = <ReviewScreen {...common} {...work} onExit={onExit} {...(onEditPlanFile ? {onEditPlanFile} : {})} />;
			break;
		case 'awaitingApproval':
			screen = <ApprovalScreen {...common} {...work} ownedFileCounts={ownedFileCounts} info={approvalInfo} laterMissing={laterMissing} />;
			break;
		case 'phaseFailed':
			screen = <PhaseFailedScreen {...common} {...work} />;
			break;
		case 'done':
		case 'failed':
		case 'aborted':
			screen = <SummaryScreen {...common} {...work} onExit={onExit} onWriteBack={onWriteBack} closing={closing} />;
			break;
		default:
			// running, verifying, conflict (and any state added later): the live grid.
			screen = <RunScreen {...common} {...work} store={store} terminalRows={rows} onEditPlan={onEditPlan} />;
	}
	// A full-screen layer hides the screen rather than unmounting it, so the focus, the picked
	// suspect and the scroll position are still there when the user comes back.
	const fullScreen = isFullScreen(control);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box flexDirection="column" display={fullScreen ? 'none' : 'flex'}>
				{screen}
				<OverlayDialog control={control} send={send} width={width} />
			</Box>
			<FullScreenLayer control={control} context={context} store={store} sanitize={sanitize} width={width} height={height} state={state} {...work} />
		</Box>
	);
}
