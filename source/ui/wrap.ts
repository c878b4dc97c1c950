// Word wrapping for plain text cut to a terminal width: the help, validation findings, paths
// and the key bar wrap with it instead of ending in `…`. Pure.

/** Pieces of a word longer than `width`: after each `/` where possible, else hard cuts. */
function splitLongWord(word: string, width: number): string[] {
	const pieces: string[] = [];
	let piece = '';
	for (const part of word.match(/[^/]*\/|[^/]+/g) ?? [word]) {
		if (piece !== '' && piece.length + part.length > width) {
			pieces.push(piece);
			piece = '';
		}
		piece += part;
		while (piece.length > width) {
			pieces.push(piece.slice(0, width));
			piece = piece.slice(width);
		}
	}
	if (piece !== '') pieces.push(piece);
	return pieces;
}

/**
 * Splits `text` into lines of at most `width` columns, breaking at spaces; a word longer than a
 * line (a long path) breaks after a `/`, or is cut. Leading spaces of `text` stay on the first line.
 */
export function wrapText(text: string, width: number): string[] {
	if (width <= 0) return [];
	if (text.length <= width) return [text];
	const lines: string[] = [];
	let line = '';
	// Spaces are kept as they are inside a line (help columns are padded); a break drops them.
	for (const token of text.match(/ +|[^ ]+/g) ?? []) {
		if (line.length + token.length <= width) {
			line += token;
			continue;
		}
		if (token.startsWith(' ')) {
			lines.push(line);
			line = '';
			continue;
		}
		if (line.trim() !== '') lines.push(line.trimEnd());
		if (token.length <= width) {
			line = token;
			continue;
		}
		const pieces = splitLongWord(token, width);
		lines.push(...pieces.slice(0, -1));
		line = pieces.at(-1) ?? '';
	}
	if (line.trim() !== '') lines.push(line.trimEnd());
	return lines.length > 0 ? lines : [''];
}

/** Wraps `text` to `width`, with `indent` in front of every line after the first (a hanging indent). */
export function wrapHanging(text: string, width: number, indent: string): string[] {
	const first = wrapText(text, width);
	if (first.length <= 1) return first;
	const head = first[0] ?? '';
	const rest = wrapText(text.slice(head.length).trimStart(), Math.max(1, width - indent.length)).map(line => indent + line);
	return [head, ...rest];
}
