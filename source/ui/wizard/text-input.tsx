// A one-line text input for the wizard: typing, ←→ and home/end to move, backspace, Ctrl-U to
// clear; long text scrolls sideways so the line never wraps. Controlled: the value lives in the
// wizard's machine, so going back a step loses nothing.

import {useRef, useState} from 'react';
import {Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';

type Props = {
	readonly value: string;
	readonly onChange: (value: string) => void;
	/** Enter, with the value as it is now (newer than the prop when keys came in one chunk). */
	readonly onSubmit?: (value: string) => void;
	/** Columns the input may take, cursor included. */
	readonly width: number;
	readonly placeholder?: string;
	readonly active?: boolean;
};

// Pasted text may carry newlines and control bytes: a plan field is one line of plain text.
const controls = /[\u0000-\u001F\u007F-\u009F]/g;

/** What a key does to a value and its cursor. Pure, for tests and for the component. */
export function editText(
	value: string,
	cursor: number,
	input: string,
	key: {readonly leftArrow?: boolean; readonly rightArrow?: boolean; readonly backspace?: boolean; readonly delete?: boolean; readonly home?: boolean; readonly end?: boolean; readonly ctrl?: boolean; readonly meta?: boolean},
): {readonly value: string; readonly cursor: number} | undefined {
	const at = Math.min(cursor, value.length);
	if (key.leftArrow) return {value, cursor: Math.max(0, at - 1)};
	if (key.rightArrow) return {value, cursor: Math.min(value.length, at + 1)};
	if (key.home || (key.ctrl && input === 'a')) return {value, cursor: 0};
	if (key.end || (key.ctrl && input === 'e')) return {value, cursor: value.length};
	if (key.ctrl && input === 'u') return {value: value.slice(at), cursor: 0};
	// Terminals send DEL (0x7f) for the backspace key, which Ink names `delete`.
	if (key.backspace || key.delete) return at === 0 ? undefined : {value: value.slice(0, at - 1) + value.slice(at), cursor: at - 1};
	if (key.ctrl || key.meta) return undefined;
	const text = input.replace(/\r\n|\r|\n|\t/g, ' ').replace(controls, '');
	if (text === '') return undefined;
	return {value: value.slice(0, at) + text + value.slice(at), cursor: at + text.length};
}

/** The part of the value that fits `width`, keeping the cursor in view. */
export function visibleWindow(value: string, cursor: number, width: number): {readonly before: string; readonly under: string; readonly after: string} {
	const room = Math.max(1, width - 1);
	const start = Math.max(0, Math.min(cursor - Math.floor(room * 0.75), value.length - room + 1));
	const from = cursor < start ? cursor : start;
	const shown = value.slice(from, from + room);
	const local = cursor - from;
	return {before: shown.slice(0, local), under: shown[local] ?? ' ', after: shown.slice(local + 1)};
}

/** A controlled one-line input; Enter calls onSubmit. Escape, Tab and ↑↓ are left to the step. */
export function TextInput({value, onChange, onSubmit, width, placeholder = '', active = true}: Props) {
	const [cursor, setCursor] = useState(value.length);
	const at = Math.min(cursor, value.length);
	// Keys can arrive faster than renders: edit on top of what was last sent, not a stale prop.
	const sent = useRef<{value: string; cursor: number} | undefined>(undefined);
	// eslint-disable-next-line react-hooks/refs -- during render on purpose, as in useKeys: keys may arrive before the commit.
	if (sent.current && sent.current.value === value) sent.current = undefined;
	// A submit may clear or replace the value (the feature step empties its line): the next key
	// edits what the step shows, not what was sent before.
	const submit = (current: string): void => {
		sent.current = undefined;
		onSubmit?.(current);
	};
	useKeys((input, key) => {
		const base = sent.current ?? {value, cursor: at};
		if (key.return) {
			submit(base.value);
			return;
		}
		if (key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
		// Text and Enter in one chunk (a fast typist, a paste ending in a newline, a script
		// driving the terminal) is the text, then Enter; newlines inside it stay flattened.
		const submits = input.length > 1 && !key.ctrl && !key.meta && /[\r\n]$/.test(input);
		const next = editText(base.value, base.cursor, submits ? input.replace(/[\r\n]+$/, '') : input, key);
		if (next) {
			setCursor(next.cursor);
			if (next.value !== base.value) {
				sent.current = {...next};
				onChange(next.value);
			}
		}
		if (submits) submit(next?.value ?? base.value);
	}, active);
	if (value === '' && placeholder !== '') {
		return (
			<Text wrap="truncate-end">
				<Text inverse={active}>{placeholder[0]}</Text>
				<Text dimColor>{placeholder.slice(1, Math.max(1, width))}</Text>
			</Text>
		);
	}
	const view = visibleWindow(value, at, width);
	return (
		<Text wrap="truncate-end">
			{view.before}
			<Text inverse={active}>{view.under}</Text>
			{view.after}
		</Text>
	);
}
