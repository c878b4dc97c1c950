// Keys typed while the app starts arrive together: nobody reads the terminal yet, so the bytes
// wait in one buffer and Ink hands them over as one "paste" (`jj\r`), and keys typed before raw
// mode was set carry the terminal's line ending (`\n` for Enter). This splits such a chunk back
// into the keys a person pressed, so each is acted on in turn. Pure: no I/O.

import type {Key} from 'ink';

/** A key as useInput reports it: the text and the flags. */
export type TypedKey = {readonly input: string; readonly key: Key};

const none: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One character as the key it came from (Enter as `\r` or `\n`, Tab, Backspace, Ctrl+letter). */
export function keyOfChar(char: string): TypedKey {
	if (char === '\r' || char === '\n') return {input: '\r', key: {...none, return: true}};
	if (char === '\t') return {input: '\t', key: {...none, tab: true}};
	if (char === '\u007F' || char === '\b') return {input: '', key: {...none, backspace: true}};
	const code = char.codePointAt(0) ?? 0;
	// Ctrl+A..Ctrl+Z: Ink reports the letter with ctrl (Ctrl+C as 'c').
	if (code >= 1 && code <= 26) return {input: String.fromCodePoint(code + 96), key: {...none, ctrl: true}};
	return {input: char, key: {...none, shift: /^[A-Z]$/.test(char)}};
}

/**
 * The keys in one chunk of text input. A chunk that is a single key, or holds no control
 * character (typed text, a paste into a field), comes back as it was; escape sequences never
 * reach here split (Ink's parser already separates them).
 */
export function splitKeys(input: string, key: Key): TypedKey[] {
	if (input.length <= 1 || key.meta || key.escape || !/[\u0000-\u001F\u007F]/.test(input)) return [{input, key}];
	return [...input].map(keyOfChar);
}
