// Word wrapping for plain text cut to a terminal width: the help, validation findings, paths
// and the key bar wrap with it instead of ending in `…`. Pure.

/**
 * Splits `text` into lines of at most `width` columns, breaking at spaces (and after `/` in
 * long paths); a word longer than a line is cut into pieces. Leading spaces of `text` are kept
 * on the first line only.
 */
export function wrapText(text: string, width: number): string[] {
	if (width <= 0) return [];
	if (text.length <= width) return [text];
	const lines: string[] = [];
	let line = '';
	// Words keep their separator: "a/b/c" breaks after each "/", "a b" at the space.
	const words = text.match(/[^ /]*\/|[^ ]+ ?| +/g) ?? [text];
	for (const word of words) {
		if (line.length + word.trimEnd().length <= width) {
			line += word;
			continue;
		}
		if (line.trim() !== '') lines.push(line.trimEnd());
		line = '';
		let rest = word;
		while (rest.trimEnd().length > width) {
			lines.push(rest.slice(0, width));
			rest = rest.slice(width);
		}
		line = rest;
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
