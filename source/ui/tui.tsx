// The interactive mode: renders the App over the engine's actor and tails, lends the terminal
// to the user's editor for the conflict prompt's `e`, and gives the terminal back as it found it
// on every way out (q, Ctrl-C, signals, exceptions).

import {render} from 'ink';
import {App} from './app.js';
import type {OrchestratorSnapshot, OrchestratorView} from './view.js';
import {createClock} from './hooks/clock.js';
import {exitCodeOf} from '../machine/exit-code.js';
import type {Conflict} from '../machine/types.js';
import type {Plan} from '../plan/types.js';
import type {EditResult} from '../runner/edit-plan.js';
import type {EditPlanRequest, Engine} from '../engine/types.js';
import {InkWriter, lendTerminal, SHOW_CURSOR} from './lend-terminal.js';
import {FaultPanel} from './components/fault-panel.js';
import {ColorContext} from './theme.js';
import type {IsolationView} from './work-view.js';

export type InteractiveOptions = {
	readonly color: boolean;
	readonly planFile: string;
	readonly writeBack: (plan: Plan) => void;
	/** The plan review offers `e`: the session then ends with 'edit-plan' for the caller to open the file. */
	readonly planFileEditable?: boolean;
	/**
	 * Opens the revised plan in the user's editor and reads it back (conflict `e`). Runs the
	 * editor synchronously on this terminal: see source/runner/edit-plan.ts `editPlan`.
	 */
	readonly editPlan?: (plan: Plan, conflict: Conflict) => EditResult;
};


/**
 * Ink's frame cap: high enough that its throttle never delays a frame (1 ms window); pacing is
 * the clock's job, not Ink's.
 */
export const inkMaxFps = 1000;

/** Runs the engine under the TUI; resolves with the exit code once the user leaves. */
export async function runInteractive(engine: Engine, options: InteractiveOptions): Promise<number | EditPlanRequest> {
	let leave: (code: number | EditPlanRequest) => void = () => undefined;
	const left = new Promise<number | EditPlanRequest>(resolve => {
		leave = resolve;
	});
	// Whatever happens, the cursor comes back.
	const restoreCursor = () => process.stdout.write(SHOW_CURSOR);
	process.once('exit', restoreCursor);
	let inkWrite: ((data: string) => void) | undefined;
	const onWriter = (write: (data: string) => void) => {
		inkWrite = write;
	};
	const {editPlan} = options;
	// Started on the next turn, once the keypress that asked for it is handled; the editor then
	// blocks this process, so no frame is drawn and no key is read until it exits.
	const onEditPlan = editPlan
		? (plan: Plan, conflict: Conflict) =>
				new Promise<Plan | undefined>((resolve, reject) => {
					setImmediate(() => {
						try {
							const result = lendTerminal(
								() => editPlan(plan, conflict),
								() => inkWrite?.(''),
							);
							if (result.ok) resolve(result.plan);
							else if (result.gaveUp) resolve(undefined);
							else reject(new Error(result.reason));
						} catch (error) {
							// The prompt must come back whatever happened: it waits on this promise.
							reject(error instanceof Error ? error : new Error(String(error)));
						}
					});
				})
		: undefined;
	// Raw mode before the first frame, not in Ink's input effect after it: a key typed in between
	// would otherwise be read in the terminal's line mode (Enter as a line feed, echoed, held until
	// a newline) and be lost (the Enter right after the review appeared, seen in CI). Keys typed
	// even earlier wait in the terminal and are split and replayed by the KeysProvider.
	const holdKeys = process.stdin.isTTY === true;
	if (holdKeys) process.stdin.setRawMode(true);
	const restoreMode = () => {
		if (holdKeys && process.stdin.isRaw) process.stdin.setRawMode(false);
	};
	process.once('exit', restoreMode);
	// The plan review shows at once; approving a phase waits until the engine is ready to watch it
	// (ignore rules, baseline snapshot, workspace watch), which takes a moment on a big tree.
	const ready = engine.startEarly();
	// An approval on its way to the machine: keys typed meanwhile wait for it (use-keys.tsx), so
	// a key typed after `a` reaches the grid, not the approval screen it left.
	let approving: Promise<void> | undefined;
	// Once the run is over (the machine's snapshot no longer changes), the summary reads its last
	// word: work that landed as the run stopped counts as passed (Engine.finalContext).
	let final: OrchestratorSnapshot | undefined;
	const atEnd = new Set<(snapshot: OrchestratorSnapshot) => void>();
	const read = (): OrchestratorSnapshot => final ?? engine.actor.getSnapshot();
	const end = (): void => {
		const snapshot = engine.actor.getSnapshot();
		const context = engine.finalContext();
		final = context === snapshot.context ? snapshot : {...snapshot, context};
		for (const listener of atEnd) listener(final);
	};
	// Its failure is the session's to tell (a fault); the summary still reads what is known.
	void engine.finished.then(end, end);
	const view: OrchestratorView = {
		getSnapshot: read,
		subscribe: listener => {
			const subscription = engine.actor.subscribe(listener);
			atEnd.add(listener);
			return {
				unsubscribe: () => {
					atEnd.delete(listener);
					subscription.unsubscribe();
				},
			};
		},
		send: event => {
			if (event.type !== 'phase.approve' && event.type !== 'phase.approveAll') {
				engine.actor.send(event);
				return;
			}
			// A failed start is reported where `ready` is awaited below; here it only releases the keys.
			const sent = ready.then(() => engine.actor.send(event)).catch(() => undefined);
			const settled = sent.finally(() => {
				if (approving === settled) approving = undefined;
			});
			approving = settled;
		},
		pending: () => approving,
	};
	// What tasks changed and where they work: asked of the engine (the isolation engine sets
	// `isolation`; without it every task works in the shared tree).
	const taskChanges = (taskId: string) => engine.taskChanges(taskId);
	const isolation = (): IsolationView => (engine as Engine & {readonly isolation?: IsolationView}).isolation ?? {mode: 'shared'};
	// Frames are paced by what they cost: Ink reports each one's build time to the clock.
	const clock = createClock(10);
	const frame = (closing: boolean) => (
		<>
			<App
				closing={closing}
				clock={clock}
				startupKeys={holdKeys}
				actor={view}
				store={engine.store}
				color={options.color}
				onExit={code => leave(code)}
				{...(options.planFileEditable ? {onEditPlanFile: () => leave('edit-plan')} : {})}
				onWriteBack={options.writeBack}
				phaseInfo={(phaseIndex, plan) => engine.phaseInfo(phaseIndex, plan)}
				taskChanges={taskChanges}
				isolation={isolation}
				{...(onEditPlan ? {onEditPlan} : {})}
			/>
			<InkWriter onWriter={onWriter} />
		</>
	);
	const instance = render(frame(false), {
			exitOnCtrlC: false,
			patchConsole: false,
			// Input is not a frame: Ink's throttle (1000 / maxFps ms) would hold a key's frame until
			// the window opened by the last clock frame closes (up to 67 ms at 15 fps, measured 100-200
			// ms from key to screen under load). The clock (hooks/clock.ts) already paces every
			// output-driven redraw to one commit per tick, so Ink's throttle is set out of the way and
			// a key's state change is drawn in the same turn that read it.
			maxFps: inkMaxFps,
			// Off by default: Ink 6.8's incremental mode left stale lines when the frame height
			// changed, and it saves only terminal writes, while the CPU goes into building each frame.
			// FANOUT_INCREMENTAL=1 turns it on to compare.
			incrementalRendering: process.env['FANOUT_INCREMENTAL'] === '1',
			onRender: ({renderTime}) => clock.reportFrame(renderTime),
		});
	// A stop by signal (or a second Ctrl-C) ends the session without waiting for a key.
	const subscription = engine.actor.subscribe(snapshot => {
		if (snapshot.status === 'done' && snapshot.context.signal) leave(exitCodeOf(snapshot) ?? 130);
	});
	// A fault (a full disk, a bug) ends it at once: its words replace the screen, and that last
	// frame stays on the terminal once Ink lets go of it. An error in a render is a fault too.
	let faulted = false;
	const stopFaults = engine.faults?.subscribe(fault => {
		faulted = true;
		instance.rerender(
			<ColorContext.Provider value={options.color}>
				<FaultPanel message={fault.message} width={process.stdout.columns || 80} />
			</ColorContext.Provider>,
		);
		engine.faults?.markShown();
		leave(fault.exitCode);
	});
	instance.waitUntilExit().catch((error: unknown) => engine.faults?.raise(error));
	try {
		await ready;
		return await left;
	} finally {
		subscription.unsubscribe();
		// The last frame stays on the terminal: it keeps the summary, not keys that no longer work
		// (after a fault, the fault's words are that last frame).
		if (!faulted) instance.rerender(frame(true));
		stopFaults?.();
		instance.unmount();
		instance.cleanup();
		restoreCursor();
		restoreMode();
		process.off('exit', restoreCursor);
		process.off('exit', restoreMode);
	}
}
