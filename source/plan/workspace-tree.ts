// What the planners know of a workspace: one fast scan of its files (respecting .gitignore),
// the module folders and shared files found in that list, and a bounded text summary of the tree.
// The scan is the only effect here; discovery and the summary are pure functions of the file list.

import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import fg from 'fast-glob';
import {gitignoreMatcher, pruningGlobs, type GitignoreSource} from './gitignore.js';
import {ignoredFolders} from './ignored-folders.js';

/** Folders never worth scanning: the ignored folders, and build output. */
const skippedFolders: readonly string[] = [...ignoredFolders, 'dist', 'build', 'coverage'];

/** Manifests and lock files that every module shares; never given to two parallel tasks. */
const manifestNames = new Set([
	'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'pnpm-workspace.yaml',
	'bun.lockb', 'bun.lock', 'deno.json', 'deno.lock', 'Cargo.toml', 'Cargo.lock', 'go.mod', 'go.sum', 'go.work',
	'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile', 'Pipfile.lock', 'requirements.txt', 'setup.py', 'setup.cfg',
	'Gemfile', 'Gemfile.lock', 'composer.json', 'composer.lock', 'pom.xml', 'build.gradle', 'build.gradle.kts',
	'settings.gradle', 'mix.exs', 'mix.lock', 'pubspec.yaml', 'pubspec.lock',
]);

const lockFilePattern = /(?:^|[-.])lock(?:\.[a-z]+)?$|\.lockb$|^go\.sum$|^npm-shrinkwrap\.json$/i;
const barrelPattern = /^(?:index\.[cm]?[jt]sx?|mod\.rs|lib\.rs|main\.rs|__init__\.py|mod\.ts)$/;

/** Top-level folders that hold tests, docs or tooling rather than source. */
const nonSourceFolders = new Set([
	'test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'doc', 'docs', 'documentation', 'examples', 'example',
	'scripts', 'tools', 'plans', 'samples', 'fixtures', 'public', 'static', 'assets', 'vendor', 'third_party',
]);

const sourceExtension = /\.(?:[cm]?[jt]sx?|py|rs|go|rb|java|kt|kts|scala|swift|c|cc|cpp|h|hpp|cs|php|ex|exs|erl|hs|ml|clj|dart|lua|vue|svelte)$/;

/** The files of a workspace, relative POSIX paths, sorted. */
export type WorkspaceScan = {
	readonly files: readonly string[];
	/** Milliseconds the scan took (for the wizard's status line and benchmarks). */
	readonly elapsedMs: number;
};

/**
 * Lists every file of the workspace once: dotfiles included, symlinks not followed,
 * node_modules/.git/.fanout/dist/build/coverage skipped, and .gitignore rules (the root one and
 * nested ones) applied. A missing folder gives an empty list, as fast-glob does.
 */
export async function listWorkspaceFiles(workspace: string): Promise<WorkspaceScan> {
	const started = performance.now();
	const rootText = await readText(join(workspace, '.gitignore'));
	const all = await fg('**', {
		cwd: workspace,
		dot: true,
		onlyFiles: true,
		followSymbolicLinks: false,
		suppressErrors: true,
		ignore: [...skippedFolders.map(name => `**/${name}/**`), ...pruningGlobs(rootText)],
	});
	const sources: GitignoreSource[] = [{text: rootText, base: ''}];
	// Shallower files first: a deeper .gitignore overrides a shallower one.
	const nested = all.filter(file => file.endsWith('/.gitignore')).sort((a, b) => a.split('/').length - b.split('/').length);
	for (const file of nested) sources.push({text: await readText(join(workspace, file)), base: file.slice(0, -'/.gitignore'.length)});
	const isIgnored = gitignoreMatcher(sources);
	const files = all.filter(file => !isIgnored(file)).sort();
	return {files, elapsedMs: performance.now() - started};
}

async function readText(path: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch {
		return '';
	}
}

/** Why a file is shared between modules. */
export type SharedReason = 'manifest' | 'lock file' | 'barrel file' | 'root file';

/** A file several modules share, with the reason it was found shared. */
export type SharedFile = {readonly path: string; readonly reason: SharedReason};

/** One module folder under the source root. */
export type Module = {
	/** The folder's own name, e.g. `api`. */
	readonly name: string;
	/** Workspace-relative folder, e.g. `src/api`. */
	readonly path: string;
	readonly fileCount: number;
};

/** What module discovery found. */
export type ModuleDiscovery = {
	/** The source root the modules sit under ('' for the workspace itself). */
	readonly root: string;
	readonly modules: readonly Module[];
	/** Files that must never go to two parallel tasks, in path order. */
	readonly shared: readonly SharedFile[];
};

/** Trims slashes and `./` so roots compare as plain folder paths ('' is the workspace). */
export function normalizeRoot(root: string): string {
	let r = root.replaceAll('\\', '/').trim();
	while (r.startsWith('./')) r = r.slice(2);
	r = r.replace(/^\/+|\/+$/g, '');
	return r === '.' ? '' : r;
}

/**
 * Picks the default source root: the top-level folder holding the most source files that is
 * not a tests/docs/tooling folder and has at least one subfolder. '' (the workspace) if none.
 */
export function defaultSourceRoot(files: readonly string[]): string {
	const counts = new Map<string, {files: number; hasSubfolder: boolean}>();
	for (const file of files) {
		const slash = file.indexOf('/');
		if (slash < 0) continue;
		const top = file.slice(0, slash);
		if (top.startsWith('.') || nonSourceFolders.has(top.toLowerCase())) continue;
		const entry = counts.get(top) ?? {files: 0, hasSubfolder: false};
		if (sourceExtension.test(file)) entry.files++;
		if (file.indexOf('/', slash + 1) >= 0) entry.hasSubfolder = true;
		counts.set(top, entry);
	}
	let best = '';
	let bestCount = 0;
	for (const [top, entry] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
		if (entry.hasSubfolder && entry.files > bestCount) {
			best = top;
			bestCount = entry.files;
		}
	}
	return best;
}

/**
 * Finds the module folders under a source root (default: {@link defaultSourceRoot}) and the files
 * the modules share: manifests and lock files at the top, and every file directly in the root
 * (barrel files such as index.ts, mod.rs, __init__.py, and shared utilities living beside them).
 */
export function discoverModules(files: readonly string[], root?: string): ModuleDiscovery {
	const base = normalizeRoot(root ?? defaultSourceRoot(files));
	const prefix = base === '' ? '' : `${base}/`;
	const moduleCounts = new Map<string, number>();
	const shared = new Map<string, SharedReason>();
	for (const file of files) {
		if (!file.includes('/')) {
			if (manifestNames.has(file) || lockFilePattern.test(file)) {
				shared.set(file, lockFilePattern.test(file) ? 'lock file' : 'manifest');
				continue;
			}
		}
		if (!file.startsWith(prefix)) continue;
		const rest = file.slice(prefix.length);
		const slash = rest.indexOf('/');
		if (slash < 0) {
			// At the workspace top only source files (entry points such as main.go) are shared:
			// README.md and the like are nobody's module.
			if (base !== '' || sourceExtension.test(rest)) shared.set(file, barrelPattern.test(rest) ? 'barrel file' : 'root file');
			continue;
		}
		const name = rest.slice(0, slash);
		if (base === '' && (name.startsWith('.') || nonSourceFolders.has(name.toLowerCase()))) continue;
		moduleCounts.set(name, (moduleCounts.get(name) ?? 0) + 1);
	}
	const modules = [...moduleCounts]
		.map(([name, fileCount]) => ({name, path: `${prefix}${name}`, fileCount}))
		.sort((a, b) => a.path.localeCompare(b.path));
	const sharedFiles = [...shared]
		.map(([path, reason]) => ({path, reason}))
		.sort((a, b) => a.path.localeCompare(b.path));
	return {root: base, modules, shared: sharedFiles};
}

type TreeNode = {
	readonly name: string;
	readonly path: string;
	readonly depth: number;
	readonly folders: Map<string, TreeNode>;
	readonly files: string[];
	total: number;
};

/** Bounds of the tree summary. */
export type TreeSummaryOptions = {
	/** Most lines in the summary, header included (default 200). */
	readonly maxLines?: number;
	/** Deepest folder level that is opened (default 6). */
	readonly maxDepth?: number;
	/** Folders with at most this many files of their own list them by name (default 8). */
	readonly inlineFiles?: number;
	/** At most this many subfolders are shown per folder; the rest are counted (default 25). */
	readonly maxFolders?: number;
};

function buildTree(files: readonly string[]): TreeNode {
	const root: TreeNode = {name: '', path: '', depth: 0, folders: new Map(), files: [], total: 0};
	for (const file of files) {
		const parts = file.split('/');
		let node = root;
		node.total++;
		for (let i = 0; i < parts.length - 1; i++) {
			const name = parts[i]!;
			let child = node.folders.get(name);
			if (!child) {
				child = {name, path: node.path === '' ? name : `${node.path}/${name}`, depth: node.depth + 1, folders: new Map(), files: [], total: 0};
				node.folders.set(name, child);
			}
			child.total++;
			node = child;
		}
		node.files.push(parts[parts.length - 1]!);
	}
	return root;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function extensionsOf(names: readonly string[]): string {
	const counts = new Map<string, number>();
	for (const name of names) {
		const dot = name.lastIndexOf('.');
		const ext = dot > 0 ? name.slice(dot) : '(none)';
		counts.set(ext, (counts.get(ext) ?? 0) + 1);
	}
	return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([ext, n]) => `${ext} ${n}`).join(', ');
}

/**
 * A bounded text summary of a file tree for an agent planner: folders with their file counts,
 * the biggest folders opened first, small folders' files by name, and everything beyond the
 * line budget or depth limit collapsed into counts. Never longer than `maxLines`.
 */
export function summarizeTree(files: readonly string[], options: TreeSummaryOptions = {}): string {
	const maxLines = Math.max(3, options.maxLines ?? 200);
	const maxDepth = options.maxDepth ?? 6;
	const inlineFiles = options.inlineFiles ?? 8;
	const maxFolders = options.maxFolders ?? 25;
	const tree = buildTree(files);

	// Lines a folder adds when opened: its shown subfolders, a "more folders" line, its files.
	const visibleFolders = (node: TreeNode) => [...node.folders.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'en', {numeric: true}));
	const openCost = (node: TreeNode) => {
		const folders = node.folders.size;
		const shownFolders = Math.min(folders, maxFolders) + (folders > maxFolders ? 1 : 0);
		const fileLines = node.files.length === 0 ? 0 : node.files.length <= inlineFiles ? node.files.length : 1;
		return shownFolders + fileLines;
	};

	const opened = new Set<TreeNode>();
	let budget = maxLines - 1; // the header line
	const candidates: TreeNode[] = [tree];
	// Greedy: open the biggest visible folder whose contents still fit; shallower first on ties.
	while (candidates.length > 0) {
		candidates.sort((a, b) => b.total - a.total || a.depth - b.depth || a.path.localeCompare(b.path));
		const index = candidates.findIndex(node => openCost(node) <= budget);
		if (index < 0) break;
		const node = candidates.splice(index, 1)[0]!;
		opened.add(node);
		budget -= openCost(node);
		if (node.depth < maxDepth) candidates.push(...visibleFolders(node).slice(0, maxFolders).filter(c => c.folders.size > 0 || c.files.length > 0));
	}

	const lines: string[] = [`${plural(tree.total, 'file')} in the workspace (folders show their file count; … marks collapsed content)`];
	const render = (node: TreeNode, indent: string) => {
		const folders = visibleFolders(node);
		for (const child of folders.slice(0, maxFolders)) {
			const mark = opened.has(child) ? '' : ' …';
			lines.push(`${indent}${child.name}/ (${plural(child.total, 'file')})${mark}`);
			if (opened.has(child)) render(child, `${indent}  `);
		}
		if (folders.length > maxFolders) {
			const rest = folders.slice(maxFolders);
			lines.push(`${indent}… ${plural(rest.length, 'more folder')} (${plural(rest.reduce((n, f) => n + f.total, 0), 'file')})`);
		}
		const names = [...node.files].sort();
		if (names.length <= inlineFiles) for (const name of names) lines.push(`${indent}${name}`);
		else lines.push(`${indent}${plural(names.length, 'file')} here (${extensionsOf(names)})`);
	};
	if (opened.has(tree)) render(tree, '');
	return lines.join('\n');
}
