// Handing the terminal to another program (the user's editor) and taking it back, for any Ink
// app: the TUI's conflict prompt (`e`) and the wizard's prompt editor use it.

import {useEffect} from 'react';
import {useStdout} from 'ink';

export const SHOW_CURSOR = '\u001B[?25h';
export const HIDE_CURSOR = '\u001B[?25l';
// The visible screen only: the scrollback above (e.g. where the demo put its copy) stays.
const CLEAR_SCREEN = '\u001B[2J\u001B[H';

/** Hands Ink's own stdout writer out: writing through it makes Ink draw its whole frame again. */
export function InkWriter({onWriter}: {readonly onWriter: (write: (data: string) => void) => void}) {
	const {write} = useStdout();
	useEffect(() => onWriter(write), [write, onWriter]);
	return null;
}

/**
 * Lends the terminal to `work` (an editor run synchronously) and takes it back: keys stop going
 * to Ink (raw mode off; nothing reads stdin while the editor runs, and nothing is drawn), the
 * screen is cleared before and after, and `redraw` makes Ink draw its last frame in full.
 */
export function lendTerminal<T>(work: () => T, redraw: () => void): T {
	const {stdin, stdout} = process;
	const wasRaw = stdin.isTTY && stdin.isRaw;
	if (wasRaw) stdin.setRawMode(false);
	stdout.write(CLEAR_SCREEN + SHOW_CURSOR);
	try {
		return work();
	} finally {
		if (wasRaw) stdin.setRawMode(true);
		stdout.write(CLEAR_SCREEN + HIDE_CURSOR);
		redraw();
	}
}
