// `npm run bundle`: source/cli.tsx into dist/bin with esbuild, split into chunks so that each
// command (and the TUI) loads only what it uses. Two changes to dependencies, both for the TUI's
// speed: Ink's virtual screen (ink/build/output.js) becomes fanout's copy that keeps its work
// between frames (source/ui/ink-output/ink-screen.ts explains why; test/ui/ink-output.test.ts holds
// it to Ink's), and string-width builds its emoji expression only when a text could hold an
// emoji (scripts/patches.mjs).

import {readFileSync, rmSync} from 'node:fs';
import {fileURLToPath, URL} from 'node:url';
import {build} from 'esbuild';
import {patchStringWidth} from './patches.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const output = fileURLToPath(new URL('../source/ui/ink-output/ink-screen.ts', import.meta.url));

/** Resolves Ink's own `./output.js` (imported by its renderer) to fanout's copy. */
const inkOutput = {
	name: 'ink-output',
	setup(builder) {
		builder.onResolve({filter: /^\.\/output\.js$/}, args => (/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer) ? {path: output} : undefined));
	},
};

/** string-width's own index.js, loaded through patchStringWidth. */
const stringWidth = {
	name: 'string-width-lazy-emoji',
	setup(builder) {
		builder.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, args => {
			const source = readFileSync(args.path, 'utf8');
			// Older copies (wrap-ansi's 7.x) use the emoji-regex package, not the expression.
			if (source.includes("from 'emoji-regex'")) return undefined;
			return {contents: patchStringWidth(source), loader: 'js'};
		});
	},
};

rmSync(`${root}dist/bin`, {recursive: true, force: true});
await build({
	absWorkingDir: root,
	entryPoints: ['source/cli.tsx'],
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	define: {'process.env.NODE_ENV': '"production"'},
	outdir: 'dist/bin',
	external: ['react-devtools-core'],
	logLevel: 'warning',
	banner: {js: "import {createRequire as __fanoutRequire} from 'node:module'; const require = __fanoutRequire(import.meta.url);"},
	plugins: [inkOutput, stringWidth],
	metafile: process.env['BUNDLE_METAFILE'] !== undefined,
}).then(result => {
	if (result.metafile && process.env['BUNDLE_METAFILE']) {
		// For looking at what each chunk holds: BUNDLE_METAFILE=/tmp/meta.json npm run bundle.
		return import('node:fs').then(fs => fs.writeFileSync(process.env['BUNDLE_METAFILE'], JSON.stringify(result.metafile)));
	}
	return undefined;
});
