// The interactive mode: renders the App over the engine's actor and tails, lends the terminal
// to the user's editor for the conflict prompt's `e`, and gives the terminal back as it found it
// on every way out (q, Ctrl-C, signals, exceptions).

import {render} from 'ink';
import {App} from './app.js';
import type {OrchestratorView} from './view.js';
import {createClock} from './hooks/clock.js';
import {exitCodeOf} from '../machine/exit-code.js';
import type {Conflict} from '../machine/types.js';
import type {Plan} from '../plan/types.js';
import type {EditResult} from '../runner/edit-plan.js';
import type {EditPlanRequest, Engine} from '../engine/types.js';
import {InkWriter, lendTerminal, SHOW_CURSOR} from './lend-terminal.js';
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
	// The plan review shows at once; approving a phase waits until the engine is ready to watch it
	// (ignore rules, baseline snapshot, workspace watch), which takes a moment on a big tree.
	const ready = engine.startEarly();
	const view: OrchestratorView = {
		getSnapshot: () => engine.actor.getSnapshot(),
		subscribe: listener => engine.actor.subscribe(listener),
		send: event => {
			if (event.type === 'phase.approve' || event.type === 'phase.approveAll') void ready.then(() => engine.actor.send(event));
			else engine.actor.send(event);
		},
	};
	// What tasks changed and where they work: asked of the engine (the isolation engine sets
	// `isolation`; without it every task works in the shared tree).
	const taskChanges = (taskId: string) => engine.taskChanges(taskId);
	const isolation = (): IsolationView => (engine as Engine & {readonly isolation?: IsolationView}).isolation ?? {mode: 'shared'};
	// Frames are paced by what they cost: Ink reports each one's build time to the clock.
	const clock = createClock(10);
	const instance = render(
		<>
			<App
				clock={clock}
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
		</>,
		{
			exitOnCtrlC: false,
			patchConsole: false,
			maxFps: 15,
			// Off by default: Ink 6.8's incremental mode left stale lines when the frame height
			// changed, and it saves only terminal writes, while the CPU goes into building each frame.
			// FANOUT_INCREMENTAL=1 turns it on to compare.
			incrementalRendering: process.env['FANOUT_INCREMENTAL'] === '1',
			onRender: ({renderTime}) => clock.reportFrame(renderTime),
		},
	);
	// A stop by signal (or a second Ctrl-C) ends the session without waiting for a key.
	const subscription = engine.actor.subscribe(snapshot => {
		if (snapshot.status === 'done' && snapshot.context.signal) leave(exitCodeOf(snapshot) ?? 130);
	});
	try {
		await ready;
		return await left;
	} finally {
		subscription.unsubscribe();
		instance.unmount();
		instance.cleanup();
		restoreCursor();
		process.off('exit', restoreCursor);
	}
}
