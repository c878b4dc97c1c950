// Proposes a plan from a goal, one of the four planning patterns and the workspace's file list.
// Pure: the caller scans the workspace; the result always keeps shared files out of parallel phases.

import fg from 'fast-glob';
import {compileGlobs, normalizePath} from './ownership.js';
import type {AgentSpec, Phase, Plan, Task} from './types.js';
import {describeGlobs, integrationFiles, listPaths, sharedHint, sharedNote} from './proposal-notes.js';
import {defaultSourceRoot, discoverModules, normalizeRoot, type ModuleDiscovery} from './workspace-tree.js';


/** The patterns fanout can propose by itself (`custom` plans are written by hand or by an agent). */
export type ProposalPattern = 'module' | 'layer' | 'feature' | 'read-heavy';

/** The patterns with their one-line "use when", in the order the wizard lists them. */
export const proposalPatterns: readonly {readonly pattern: ProposalPattern; readonly label: string; readonly useWhen: string}[] = [
	{pattern: 'module', label: 'module-based', useWhen: 'independent modules'},
	{pattern: 'layer', label: 'layer-based', useWhen: 'tests, docs and config after the implementation'},
	{pattern: 'feature', label: 'feature-based', useWhen: 'independent features'},
	{pattern: 'read-heavy', label: 'read-heavy', useWhen: 'gather information before changing'},
];

/** A feature the user names for the feature-based pattern, with the globs it owns. */
export type FeatureSpec = {readonly name: string; readonly globs: readonly string[]};

/** What a proposal is made from. */
export type ProposalRequest = {
	readonly goal: string;
	readonly pattern: ProposalPattern;
	/** Workspace-relative POSIX paths of every file (from scanWorkspace). */
	readonly files: readonly string[];
	/** Source root whose subfolders are the modules; default: the biggest source folder. */
	readonly root?: string;
	readonly features?: readonly FeatureSpec[];
	/** Default agent of the plan's prompt tasks (claude unless given). */
	readonly agent?: AgentSpec;
	/** Plan name (a slug is made of it); default: from the goal. */
	readonly name?: string;
	/** The plan's `workspace:` field, relative to where the plan file will be written. */
	readonly workspace?: string;
};

/** A proposed plan and what the user should know about how it was split. */
export type Proposal = {
	readonly plan: Plan;
	readonly notes: readonly string[];
	/** The shared files found (manifests, lock files, barrel files): what prompts and notes name. */
	readonly shared: readonly string[];
};

/** Build output and caches: changes there are never conflicts. */
const defaultIgnore = ['dist/**', 'build/**', 'coverage/**'];
const testFolderNames = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e']);
const docFolderNames = new Set(['doc', 'docs', 'documentation']);
const colocatedTest = /(?:^|\/)(?:[^/]+\.(?:test|spec)\.[^/]+|[^/]+_test\.(?:go|py|rb|exs)|test_[^/]+\.py)$/;
const topLevelConfig = /^(?:tsconfig(?:\.[^/]+)?\.json|jsconfig\.json|\.eslintrc(?:\.[a-z]+)?|eslint\.config\.[cm]?[jt]s|\.prettierrc(?:\.[a-z]+)?|prettier\.config\.[cm]?[jt]s|[^/]+\.config\.[cm]?[jt]s|\.editorconfig|\.gitignore|\.npmrc|\.nvmrc|\.node-version|Dockerfile|docker-compose\.ya?ml|Makefile|\.env\.example|babel\.config\.json|\.babelrc)$/;

/** Makes a task id or plan name: lowercase letters, digits and '-', starting with a letter. */
export function slugify(text: string, fallback = 'task'): string {
	const slug = text
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^[-0-9]+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/, '');
	return slug === '' ? fallback : slug;
}

/** Hands out unique ids: a second `api` becomes `api-2`. */
function idAllocator(): (wanted: string) => string {
	const used = new Set<string>();
	return wanted => {
		let id = wanted;
		for (let n = 2; used.has(id); n++) id = `${wanted}-${n}`;
		used.add(id);
		return id;
	};
}

/** The goal as a sentence ending with a full stop, for use inside prompts. */
function goalSentence(goal: string): string {
	const text = goal.trim().replace(/\s+/g, ' ');
	if (text === '') return 'Goal: (none given).';
	return /[.!?]$/.test(text) ? `Goal: ${text}` : `Goal: ${text}.`;
}

/** A folder glob that also works for folder names holding glob characters. */
const folderGlob = (folder: string) => (folder === '' ? '**' : `${fg.escapePath(folder)}/**`);
const fileGlob = (path: string) => fg.escapePath(path);
const folderLabel = (root: string) => (root === '' ? 'the workspace' : `${root}/`);


function task(fields: Pick<Task, 'id' | 'owns' | 'prompt'> & Partial<Task>): Task {
	// Field order is the order a reader of the YAML expects.
	const {id, title, owns, reads = [], dependsOn = [], prompt, ...rest} = fields;
	return {id, ...(title === undefined ? {} : {title}), owns, reads, dependsOn, prompt, env: {}, ...rest};
}

/** A phase of several tasks runs them in parallel; one task alone is sequential (no warning). */
function phase(name: string, tasks: readonly Task[], mode?: Phase['mode']): Phase {
	return {name, mode: mode ?? (tasks.length > 1 ? 'parallel' : 'sequential'), tasks};
}

const nameStopWords = new Set(['a', 'an', 'the', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'with', 'into', 'from', 'by', 'at', 'every', 'all', 'each', 'its', 'their', 'our', 'my', 'so', 'that', 'it']);

function planName(request: ProposalRequest): string {
	if (request.name !== undefined && request.name.trim() !== '') return slugify(request.name, 'plan');
	// Small words make long names that say nothing: "add-logging-api-db", not "add-logging-to-the".
	const words = request.goal.trim().split(/[^A-Za-z0-9]+/).filter(w => w !== '' && !nameStopWords.has(w.toLowerCase()));
	return slugify(words.slice(0, 5).join(' '), `${request.pattern}-plan`);
}

function rootNote(discovery: ModuleDiscovery, request: ProposalRequest): string {
	const modules = discovery.modules.map(m => `${m.name} (${m.fileCount})`).join(', ');
	const how = request.root === undefined ? ' (the biggest source folder; --root picks another)' : '';
	return `Source root ${folderLabel(discovery.root)}${how}: ${discovery.modules.length} module folder${discovery.modules.length === 1 ? '' : 's'}${modules === '' ? '' : `: ${modules}`}.`;
}

/**
 * Proposes a plan for one of the four patterns. The plan passes validation against the same
 * file list (warnings aside, e.g. notes files that do not exist yet), and files several
 * modules share (manifests, lock files, barrel files, files directly in the source root) are
 * never owned by two tasks of a parallel phase: they go to the integration (or apply) task.
 */
export function proposePlan(request: ProposalRequest): Proposal {
	const files = request.files.map(normalizePath);
	const root = normalizeRoot(request.root ?? defaultSourceRoot(files));
	const discovery = discoverModules(files, root);
	const shape = {module: proposeModules, layer: proposeLayers, feature: proposeFeatures, 'read-heavy': proposeReadHeavy}[request.pattern];
	const {phases, notes} = shape(request, files, discovery);
	const plan: Plan = {
		name: planName(request),
		goal: request.goal.trim(),
		pattern: request.pattern,
		...(request.workspace === undefined ? {} : {workspace: request.workspace}),
		agent: request.agent ?? 'claude',
		ignore: defaultIgnore,
		phases,
		verify: [],
	};
	return {plan, notes, shared: discovery.shared.map(s => s.path)};
}

type Shape = {readonly phases: Phase[]; readonly notes: string[]};

/** Module-based: one task per module folder, then a sequential integration phase for shared files. */
function proposeModules(request: ProposalRequest, _files: readonly string[], discovery: ModuleDiscovery): Shape {
	const nextId = idAllocator();
	const notes = [rootNote(discovery, request)];
	const goal = goalSentence(request.goal);
	const shared = discovery.shared;
	const hint = sharedHint(shared.map(s => s.path));
	const moduleTasks = discovery.modules.map(module =>
		task({
			id: nextId(slugify(module.name, 'module')),
			title: `${module.name} module`,
			owns: [folderGlob(module.path)],
			prompt: `${goal} Your part is the ${module.name} module, in ${module.path}/: change only files under that folder.${hint}`,
		}),
	);
	if (moduleTasks.length === 0) {
		notes.push(`No module folders under ${folderLabel(discovery.root)}: one task owns it whole.`);
		moduleTasks.push(task({id: nextId('implement'), title: 'implementation', owns: [folderGlob(discovery.root)], prompt: `${goal} Change only files under ${folderLabel(discovery.root)}.`}));
	}
	const phases = [phase('modules', moduleTasks)];
	if (shared.length > 0) {
		const id = nextId('integrate');
		const ids = moduleTasks.map(t => t.id);
		phases.push(
			phase('integration', [
				task({
					id,
					title: 'integration',
					owns: shared.map(s => fileGlob(s.path)),
					reads: moduleTasks.flatMap(t => t.owns),
					dependsOn: ids,
					prompt: `${goal} The module tasks (${ids.join(', ')}) have each done their part in their own folder. Your part is to bring their work together ${integrationFiles(shared.map(s => s.path))}: exports, registrations, dependencies and versions. Change only those files; name anything else that still needs fixing in your final report.`,
				}),
			], 'sequential'),
		);
		notes.push(sharedNote(shared, id));
	} else {
		notes.push('No shared files found (manifests, lock files, files directly in the root): no integration phase.');
	}
	return {phases, notes};
}

/** Top-level folders and files of the workspace that count as source for the layer pattern. */
function sourceGlobs(files: readonly string[], root: string, excluded: (file: string) => boolean): string[] {
	if (root !== '') return [folderGlob(root)];
	const globs = new Set<string>();
	for (const file of files) {
		if (excluded(file)) continue;
		const slash = file.indexOf('/');
		const top = slash < 0 ? file : file.slice(0, slash);
		if (top.startsWith('.')) continue;
		if (slash >= 0) globs.add(folderGlob(top));
		else if (/\.(?:[cm]?[jt]sx?|py|rs|go|rb|java|kt|c|cc|cpp|h|cs|php)$/.test(file)) globs.add(fileGlob(file));
	}
	return [...globs].sort();
}

/**
 * Globs for tests kept beside the source, one per naming style in use, each under a source
 * folder so they cannot meet the docs or config globs on a new file.
 */
function colocatedTestGlobs(files: readonly string[], source: readonly string[]): string[] {
	const styles = new Set<string>();
	for (const file of files) {
		const name = file.slice(file.lastIndexOf('/') + 1);
		if (/\.test\./.test(name)) styles.add('*.test.*');
		else if (/\.spec\./.test(name)) styles.add('*.spec.*');
		else if (/_test\.[a-z]+$/.test(name)) styles.add('*_test.*');
		else if (/^test_.+\.py$/.test(name)) styles.add('test_*.py');
	}
	const globs: string[] = [];
	for (const base of source) {
		if (base.endsWith('/**')) for (const style of [...styles].sort()) globs.push(`${base}/${style}`);
		else if (colocatedTest.test(base)) globs.push(base);
	}
	if (globs.length === 0) for (const style of [...styles].sort()) globs.push(`**/${style}`);
	return globs;
}

/** Layer-based: the implementation first, then tests, docs and config in parallel, each reading the source. */
function proposeLayers(request: ProposalRequest, files: readonly string[], discovery: ModuleDiscovery): Shape {
	const nextId = idAllocator();
	const goal = goalSentence(request.goal);
	const notes: string[] = [];
	const topFolders = new Set(files.filter(f => f.includes('/')).map(f => f.slice(0, f.indexOf('/'))));
	const testFolders = [...topFolders].filter(f => testFolderNames.has(f.toLowerCase())).sort();
	const docFolders = [...topFolders].filter(f => docFolderNames.has(f.toLowerCase())).sort();
	const topFiles = files.filter(f => !f.includes('/'));
	const docFiles = topFiles.filter(f => /\.(?:md|mdx|rst|txt|adoc)$/i.test(f) && !/^requirements.*\.txt$/i.test(f));
	const configFiles = topFiles.filter(f => !docFiles.includes(f) && (topLevelConfig.test(f) || discovery.shared.some(s => s.path === f && (s.reason === 'manifest' || s.reason === 'lock file'))));
	const hasGithub = topFolders.has('.github');
	const notSource = (file: string) => {
		const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : '';
		return testFolders.includes(top) || docFolders.includes(top) || docFiles.includes(file) || configFiles.includes(file);
	};
	const source = sourceGlobs(files, discovery.root, notSource);
	if (source.length === 0) source.push('**');
	const colocated = testFolders.length === 0 && files.some(f => colocatedTest.test(f));

	const implement = task({
		id: nextId('implement'),
		title: 'implementation',
		owns: source,
		prompt: `${goal} Your part is the implementation, in ${describeGlobs(source)}. Tests, docs and configuration are updated by other tasks after you: leave them alone and name in your final report what they need.`,
	});
	notes.push(`The implementation task owns the source: ${listPaths(source)}.`);
	// When tests sit beside the source, a task reading the source would read what the tests task writes.
	const readsSource = colocated ? [] : source.filter(g => g !== '**');
	if (colocated) notes.push('Tests sit beside the source: the docs and config tasks do not declare reads on the source, which the tests task writes to.');

	const followers: Task[] = [];
	const testOwns = testFolders.length > 0 ? testFolders.map(folderGlob) : colocated ? colocatedTestGlobs(files, source) : ['tests/**'];
	const uniqueTestOwns = [...new Set(testOwns)];
	if (testFolders.length === 0 && !colocated) notes.push('No test folder found: the tests task will create tests/.');
	followers.push(task({
		id: nextId('tests'),
		title: 'tests',
		owns: uniqueTestOwns,
		reads: readsSource,
		dependsOn: [implement.id],
		prompt: `${goal} The implementation is done. Your part is the tests, in ${describeGlobs(uniqueTestOwns)}: cover the new behaviour and keep the existing tests passing. Change only test files.`,
	}));
	const docOwns = [...docFolders.map(folderGlob), ...docFiles.map(fileGlob)];
	if (docOwns.length === 0) {
		docOwns.push('docs/**', 'README.md');
		notes.push('No docs found: the docs task will create docs/ and README.md.');
	}
	followers.push(task({
		id: nextId('docs'),
		title: 'docs',
		owns: docOwns,
		reads: readsSource,
		dependsOn: [implement.id],
		prompt: `${goal} The implementation is done. Your part is the documentation, in ${describeGlobs(docOwns)}: describe what changed for the people who use it. Change only those files.`,
	}));
	const configOwns = [...configFiles.map(fileGlob), ...(hasGithub ? ['.github/**'] : [])];
	if (configOwns.length > 0) {
		followers.push(task({
			id: nextId('config'),
			title: 'config',
			owns: configOwns,
			reads: readsSource,
			dependsOn: [implement.id],
			prompt: `${goal} The implementation is done. Your part is the configuration, in ${describeGlobs(configOwns)}: dependencies, scripts, build and CI settings the change needs. Change only those files.`,
		}));
		const shared = discovery.shared.filter(s => configOwns.includes(fileGlob(s.path)));
		if (shared.length > 0) notes.push(sharedNote(shared, 'config'));
	} else {
		notes.push('No configuration files at the top of the workspace: no config task.');
	}
	return {phases: [phase('implementation', [implement]), phase('follow-up', followers)], notes};
}

/** Feature-based: one task per named feature, then a sequential integration-tests task. */
function proposeFeatures(request: ProposalRequest, files: readonly string[], discovery: ModuleDiscovery): Shape {
	const nextId = idAllocator();
	const goal = goalSentence(request.goal);
	const notes: string[] = [];
	let features = (request.features ?? []).map(f => ({name: f.name, globs: f.globs.map(normalizePath).filter(g => g !== '')}));
	if (features.length === 0) {
		features = discovery.modules.map(m => ({name: m.name, globs: [folderGlob(m.path)]}));
		notes.push(`No features named: one feature per module folder of ${folderLabel(discovery.root)} (--feature name=glob,glob names them).`);
	}
	const sharedPaths = new Set(discovery.shared.map(s => s.path));
	// A literal path named by two features, or a shared file named by one, moves to integration.
	const literalUse = new Map<string, number>();
	for (const feature of features) for (const glob of new Set(feature.globs)) if (!fg.isDynamicPattern(glob)) literalUse.set(glob, (literalUse.get(glob) ?? 0) + 1);
	const moved = new Set<string>();
	const featureTasks = features.map(feature => {
		const owns = [...new Set(feature.globs)].filter(glob => {
			const contested = !fg.isDynamicPattern(glob) && (sharedPaths.has(glob) || (literalUse.get(glob) ?? 0) > 1);
			if (contested) moved.add(glob);
			return !contested;
		});
		const matches = compileGlobs(owns);
		const sharedMatched = discovery.shared.filter(s => matches(s.path)).map(s => s.path);
		if (sharedMatched.length > 0) notes.push(`Feature ${feature.name}'s globs match shared files (${listPaths(sharedMatched)}): narrow them so the integration task alone owns these.`);
		return task({
			id: nextId(slugify(feature.name, 'feature')),
			title: feature.name,
			owns,
			prompt: `${goal} Your part is the ${feature.name} feature, in ${describeGlobs(owns)}: change only those files. Shared files and integration tests are handled by a later task; name in your final report what they need.`,
		});
	});
	const testFolders = [...new Set(files.filter(f => f.includes('/')).map(f => f.slice(0, f.indexOf('/'))))].filter(f => testFolderNames.has(f.toLowerCase())).sort();
	const testOwns = testFolders.length > 0 ? testFolders.map(folderGlob) : ['tests/**'];
	const sharedOwns = [...new Set([...discovery.shared.map(s => s.path), ...moved])].sort().map(p => (moved.has(p) ? p : fileGlob(p)));
	const id = nextId('integration-tests');
	const integration = task({
		id,
		title: 'integration tests',
		owns: [...testOwns, ...sharedOwns],
		reads: featureTasks.flatMap(t => t.owns).filter(g => !testOwns.includes(g)),
		dependsOn: featureTasks.map(t => t.id),
		prompt: `${goal} The features (${featureTasks.map(t => t.title ?? t.id).join(', ')}) are done. Your part: wire them together${sharedOwns.length > 0 ? ` in the shared files (${listPaths(sharedOwns)})` : ''} and write integration tests in ${describeGlobs(testOwns)} that exercise them together. Change only those files.`,
	});
	if (sharedOwns.length > 0) notes.push(`${listPaths(sharedOwns)} ${sharedOwns.length === 1 ? 'is' : 'are'} shared: given to the ${id} task.`);
	return {phases: [phase('features', featureTasks), phase('integration', [integration], 'sequential')], notes};
}

/** Read-heavy: per-module analysis tasks that own only their notes file, then one task applying them. */
function proposeReadHeavy(request: ProposalRequest, _files: readonly string[], discovery: ModuleDiscovery): Shape {
	const nextId = idAllocator();
	const goal = goalSentence(request.goal);
	const notes = [rootNote(discovery, request)];
	const areas = discovery.modules.length > 0
		? discovery.modules.map(m => ({name: m.name, path: m.path}))
		: [{name: discovery.root === '' ? 'workspace' : discovery.root, path: discovery.root}];
	const analysis = areas.map(area => {
		const id = nextId(`analyze-${slugify(area.name, 'module')}`);
		const notesFile = `.fanout/notes/${id}.md`;
		const where = area.path === '' ? 'the workspace' : `${area.path}/`;
		return task({
			id,
			title: `analyze ${area.name}`,
			owns: [notesFile],
			reads: [folderGlob(area.path)],
			prompt: `${goal} Nothing changes yet: study ${where} and write your findings to ${notesFile}: how it works, where the goal touches it, and the changes you recommend, with file paths. Change no other file.`,
		});
	});
	const source = folderGlob(discovery.root);
	const outside = discovery.shared.filter(s => discovery.root !== '' && !s.path.startsWith(`${discovery.root}/`));
	const owns = [source, ...outside.map(s => fileGlob(s.path))];
	const apply = task({
		id: nextId('apply'),
		title: 'apply the findings',
		owns,
		reads: ['.fanout/notes/**'],
		dependsOn: analysis.map(t => t.id),
		prompt: `${goal} The analysis tasks wrote their findings to .fanout/notes/. Read every note, then make the changes they recommend in ${describeGlobs(owns)}, keeping the modules consistent with each other.`,
	});
	notes.push(`Each analysis task owns only its notes file (.fanout/notes/<task>.md) and reads its module; the ${apply.id} task reads every note and owns ${listPaths(owns)}.`);
	if (discovery.shared.length > 0) notes.push(sharedNote(discovery.shared, apply.id));
	return {phases: [phase('analysis', analysis), phase('apply', [apply], 'sequential')], notes};
}
