// Which overlay shows over the current screen: one value of one union, changed by a pure reducer.
// Overlays are UI-local (the machine does not know about help or a log being open).

/** The overlay on top of the screen; exactly one at a time. */
export type Overlay =
	| {readonly kind: 'none'}
	| {readonly kind: 'help'}
	| {readonly kind: 'confirmAbort'}
	| {readonly kind: 'confirmStop'; readonly taskId: string}
	| {readonly kind: 'log'; readonly key: string}
	/** A task's diff (`d` on a focused task). */
	| {readonly kind: 'diff'; readonly taskId: string}
	/** After a first Ctrl-C: a second one stops the run at once. */
	| {readonly kind: 'interrupt'};

/** The overlay and the machine state it was opened in. */
export type OverlayModel = {readonly overlay: Overlay; readonly openedIn: string};

export type OverlayAction =
	| {readonly type: 'open'; readonly overlay: Overlay; readonly state: string}
	| {readonly type: 'close'};

export const noOverlay: Overlay = {kind: 'none'};
export const initialOverlay: OverlayModel = {overlay: noOverlay, openedIn: ''};

/**
 * The overlay to show in machine state `state`. A yes/no question asked in another state is
 * stale (the task may have ended, the phase moved on) and is dropped.
 */
export function visibleOverlay(model: OverlayModel, state: string): Overlay {
	const {overlay} = model;
	if ((overlay.kind === 'confirmAbort' || overlay.kind === 'confirmStop') && model.openedIn !== state) return noOverlay;
	return overlay;
}

/** Next overlay. Ctrl-C's question wins over anything; others open only over nothing. */
export function overlayReducer(current: OverlayModel, action: OverlayAction): OverlayModel {
	switch (action.type) {
		case 'open':
			if (action.overlay.kind === 'interrupt' || visibleOverlay(current, action.state).kind === 'none') {
				return {overlay: action.overlay, openedIn: action.state};
			}
			return current;
		case 'close':
			return current.overlay.kind === 'none' ? current : initialOverlay;
	}
}
