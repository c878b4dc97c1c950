// The overlay of the current screen as a hook: the reducer's state, what shows in this machine
// state, and Ctrl-C's two presses (the first asks, the second stops everything now).

import {useReducer} from 'react';
import type {UserEvent} from '../../machine/types.js';
import {initialOverlay, noOverlay, overlayReducer, visibleOverlay, type Overlay} from './overlay.js';
import {useKeys} from './use-keys.js';

/** The overlay showing, and the ways to open and close one. */
export type OverlayControl = {
	readonly overlay: Overlay;
	open(overlay: Overlay): void;
	close(): void;
};

/**
 * Overlay state for machine state `state`. Ctrl-C on a finished run leaves (`onLeave`); on a live
 * one, the first asks and the second sends SIGINT (the engine stops every group and exits 130).
 */
export function useOverlay(state: string, finished: boolean, send: (event: UserEvent) => void, onLeave: () => void): OverlayControl {
	const [model, dispatch] = useReducer(overlayReducer, initialOverlay);
	// Once the run has ended, Ctrl-C's question no longer applies: the last frame must not keep it.
	const overlay = finished && model.overlay.kind === 'interrupt' ? noOverlay : visibleOverlay(model, state);
	useKeys((input, key) => {
		if (!(key.ctrl && input === 'c')) return;
		if (finished) onLeave();
		else if (overlay.kind === 'interrupt') {
			dispatch({type: 'close'});
			send({type: 'run.signal', signal: 'SIGINT'});
		}
		else dispatch({type: 'open', overlay: {kind: 'interrupt'}, state});
	});
	return {
		overlay,
		open: next => dispatch({type: 'open', overlay: next, state}),
		close: () => dispatch({type: 'close'}),
	};
}
