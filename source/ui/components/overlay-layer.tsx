// Draws the overlay of the moment: a full-screen layer (a task's log, the help) or a yes/no
// dialog under the screen (abort, stop a task, Ctrl-C). Answers become user events.

import type {OrchestratorContext, UserEvent} from '../../machine/types.js';
import type {OutputStore} from '../../runner/types.js';
import type {OverlayControl} from '../hooks/use-overlay.js';
import {paneForKey} from '../panes.js';
import {ConfirmDialog} from './confirm-dialog.js';
import {HelpOverlay} from './help-overlay.js';
import {LogView} from './log-view.js';
import {DiffView} from './diff-view.js';
import {runHelp} from '../help-keys.js';
import {missingChangesWords, type IsolationView, type TaskChangesLookup} from '../work-view.js';

type LayerProps = {
	readonly control: OverlayControl;
	readonly context: OrchestratorContext;
	readonly store: OutputStore;
	readonly sanitize: (line: string) => string;
	readonly width: number;
	readonly height: number;
	/** The machine state the screen under the layer shows: `?` lists that screen's keys (all when absent). */
	readonly state?: string;
	/** What each task changed (the diff layer). */
	readonly taskChanges?: TaskChangesLookup;
	readonly isolation?: IsolationView;
};

/** The full-screen layer for the overlay (log, help), or null when it is not one. */
export function FullScreenLayer({control, context, store, sanitize, width, height, state, taskChanges, isolation}: LayerProps) {
	const {overlay, close} = control;
	if (overlay.kind === 'diff') {
		const run = context.tasks[overlay.taskId];
		return (
			<DiffView
				key={overlay.taskId}
				taskId={overlay.taskId}
				changes={taskChanges?.(overlay.taskId)}
				missing={missingChangesWords(overlay.taskId, run?.status, isolation?.mode)}
				width={width}
				height={height}
				onClose={close}
			/>
		);
	}
	if (overlay.kind === 'help') {
		const help = runHelp(state);
		return <HelpOverlay key={help.title} width={width} height={height} onClose={close} title={help.title} sections={help.sections} />;
	}
	if (overlay.kind !== 'log') return null;
	const pane = paneForKey(overlay.key, context);
	return (
		<LogView
			key={overlay.key}
			storeKey={overlay.key}
			label={pane.label}
			status={pane.status}
			startedAt={pane.startedAt}
			endedAt={pane.endedAt}
			store={store}
			width={width}
			height={height}
			sanitize={sanitize}
			onClose={close}
		/>
	);
}

/** True when the overlay draws over the whole screen. */
export function isFullScreen(control: OverlayControl): boolean {
	return control.overlay.kind === 'log' || control.overlay.kind === 'help' || control.overlay.kind === 'diff';
}

/** True when the overlay is a dialog under the screen. */
export function isDialog(control: OverlayControl): boolean {
	const {kind} = control.overlay;
	return kind === 'confirmAbort' || kind === 'confirmStop' || kind === 'interrupt';
}

type DialogProps = {
	readonly control: OverlayControl;
	readonly send: (event: UserEvent) => void;
	readonly width: number;
};

/** The yes/no dialog for the overlay, or null when it is not one. */
export function OverlayDialog({control, send, width}: DialogProps) {
	const {overlay, close} = control;
	const answer = (event: UserEvent) => () => {
		close();
		send(event);
	};
	switch (overlay.kind) {
		case 'confirmAbort':
			return <ConfirmDialog question="Abort the run? Running tasks are stopped." width={width} onConfirm={answer({type: 'run.abort'})} onCancel={close} />;
		case 'confirmStop':
			return (
				<ConfirmDialog
					question={`Stop ${overlay.taskId}? Its process group is killed.`}
					width={width}
					onConfirm={answer({type: 'task.stop', taskId: overlay.taskId})}
					onCancel={close}
				/>
			);
		case 'interrupt':
			return (
				<ConfirmDialog
					question="Press Ctrl-C again to stop now: every task is stopped."
					answers="ctrl-c/y stop now · esc/n go on"
					width={width}
					onConfirm={() => send({type: 'run.signal', signal: 'SIGINT'})}
					onCancel={close}
				/>
			);
		case 'none':
		case 'help':
		case 'log':
		case 'diff':
			return null;
	}
}
