// Status to colour and glyph, and the colour switch (NO_COLOR): one place for how things look.

import {createContext, useContext} from 'react';
import type {TaskStatus} from '../plan/types.js';
import type {PhaseRunStatus, VerifyRun} from '../machine/types.js';

/** Every status a pane, a phase or a verify command can show. */
export type AnyStatus = TaskStatus | PhaseRunStatus | VerifyRun['status'];

/** How one status looks: an Ink colour name, a one-column glyph and a word. */
export type StatusStyle = {readonly color: string; readonly glyph: string; readonly label: string};

/** The look of a status. Exhaustive: a new status fails to compile until it is given a look. */
export function statusStyle(status: AnyStatus): StatusStyle {
	switch (status) {
		case 'pending':
			return {color: 'gray', glyph: '○', label: 'pending'};
		case 'running':
			return {color: 'yellow', glyph: '●', label: 'running'};
		case 'passed':
			return {color: 'green', glyph: '✓', label: 'passed'};
		case 'failed':
			return {color: 'red', glyph: '✗', label: 'failed'};
		case 'stopped':
			return {color: 'redBright', glyph: '■', label: 'stopped'};
		case 'skipped':
			return {color: 'gray', glyph: '↷', label: 'skipped'};
		case 'conflicted':
			return {color: 'magenta', glyph: '!', label: 'conflict'};
		default: {
			const unknown: never = status;
			return {color: 'white', glyph: '?', label: String(unknown)};
		}
	}
}

/** Colour on or off for the whole tree (off under NO_COLOR). */
export const ColorContext = createContext<boolean>(true);

/** Returns a picker that yields the colour when colour is on and undefined when it is off. */
export function useColor(): (color: string | undefined) => string | undefined {
	const on = useContext(ColorContext);
	return color => (on ? color : undefined);
}

/** True when colour is on. */
export function useColorOn(): boolean {
	return useContext(ColorContext);
}

/** Default colour decision from the environment: NO_COLOR turns colour off, FORCE_COLOR on. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
	const force = env['FORCE_COLOR'];
	if (force !== undefined) return force !== '0' && force !== 'false';
	return !env['NO_COLOR'];
}
