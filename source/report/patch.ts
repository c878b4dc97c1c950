// Splits a unified patch (git diff output) into one section per file, so the page can show each
// changed file's diff on its own. Pure.

/** One file's part of a patch. */
export type FilePatch = {readonly path: string; readonly text: string};

const HEADER = /^diff --git "?a\/(.*?)"? "?b\/(.*?)"?$/;

/** Sections by `diff --git` header; the path is the new side's. Text before the first header is dropped. */
export function splitPatch(patch: string): FilePatch[] {
	const files: FilePatch[] = [];
	let path: string | undefined;
	let lines: string[] = [];
	const flush = () => {
		if (path !== undefined) files.push({path, text: lines.join('\n').replace(/\n+$/, '')});
	};
	for (const line of patch.split('\n')) {
		const match = HEADER.exec(line);
		if (match) {
			flush();
			path = match[2]!;
			lines = [line];
		} else if (path !== undefined) {
			lines.push(line);
		}
	}
	flush();
	return files;
}
