// The interactive mode: renders the App over the engine's actor and tails, and gives the
// terminal back as it found it on every way out (q, Ctrl-C, signals, exceptions).

import {render} from 'ink';
import {App} from './app.js';
import {exitCodeOf} from './machine/selectors.js';
import type {Plan} from './plan/types.js';
import type {Engine} from './runner/engine.js';
import {describePhase} from './runner/phase-info.js';

export type InteractiveOptions = {
	readonly color: boolean;
	readonly planFile: string;
	readonly writeBack: (plan: Plan) => void;
};

const SHOW_CURSOR = '\u001B[?25h';

/** Runs the engine under the TUI; resolves with the exit code once the user leaves. */
export async function runInteractive(engine: Engine, options: InteractiveOptions): Promise<number> {
	let leave: (code: number) => void = () => undefined;
	const left = new Promise<number>(resolve => {
		leave = resolve;
	});
	// Whatever happens, the cursor comes back.
	const restoreCursor = () => process.stdout.write(SHOW_CURSOR);
	process.once('exit', restoreCursor);
	const instance = render(
		<App
			actor={engine.actor}
			store={engine.store}
			color={options.color}
			onExit={code => leave(code)}
			onWriteBack={options.writeBack}
			phaseInfo={phaseIndex => {
				const {context} = engine.actor.getSnapshot();
				return describePhase(context.plan, phaseIndex, context.workspace);
			}}
		/>,
		{exitOnCtrlC: false, patchConsole: false, maxFps: 15, incrementalRendering: process.env["FANOUT_INCREMENTAL"] === "1"},
	);
	// A stop by signal (or a second Ctrl-C) ends the session without waiting for a key.
	const subscription = engine.actor.subscribe(snapshot => {
		if (snapshot.status === 'done' && snapshot.context.signal) leave(exitCodeOf(snapshot) ?? 130);
	});
	try {
		await engine.start();
		return await left;
	} finally {
		subscription.unsubscribe();
		instance.unmount();
		instance.cleanup();
		restoreCursor();
		process.off('exit', restoreCursor);
	}
}
