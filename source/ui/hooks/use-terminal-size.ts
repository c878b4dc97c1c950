// The terminal's size, kept current across resizes (Ink 6 has no useWindowSize).

import {useCallback, useSyncExternalStore} from 'react';
import {useStdout} from 'ink';

/** Columns and rows of the terminal. */
export type TerminalSize = {readonly columns: number; readonly rows: number};

/** Fallback when stdout is not a terminal (80x24, what most tools assume). */
const fallbackColumns = 80;
const fallbackRows = 24;

/** The terminal size; read on every render and re-rendered on `resize`. */
export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const subscribe = useCallback(
		(onChange: () => void) => {
			stdout.on('resize', onChange);
			return () => {
				stdout.off('resize', onChange);
			};
		},
		[stdout],
	);
	// A string snapshot compares by value, so an unchanged size does not re-render.
	const read = () => `${stdout.columns || fallbackColumns}x${stdout.rows || fallbackRows}`;
	const [columns = fallbackColumns, rows = fallbackRows] = useSyncExternalStore(subscribe, read, read).split('x').map(Number);
	return {columns, rows};
}
