// The HTML report opened in headless Chromium: the screenshot shows the timeline drawn (pixels
// of the bar colours exist, the page is not blank). Never compares pixels exactly. Skipped, with
// the reason, when Chromium is not installed (.ci/run installs Debian's `chromium`).

import {strict as assert} from 'node:assert';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, it} from 'node:test';
import {pathToFileURL} from 'node:url';
import {STYLE} from '../../source/report/html-style.js';
import {barRows, countColour, decodePng, distinctColours} from './png.js';
import {addIsolationChanges, cleanup, realRun, runCli} from './helpers.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromium = CANDIDATES.find(path => existsSync(path) && spawnSync(path, ['--version'], {stdio: 'ignore', timeout: 30_000}).status === 0);

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

/** A light-scheme colour of the page's stylesheet, so the test follows a palette change. */
function paletteColour(name: string): string {
	const match = new RegExp(`--${name}: (#[0-9a-f]{6})`).exec(STYLE);
	assert.ok(match, `--${name} in the stylesheet`);
	return match[1]!;
}

/** Runs Chromium headless to a screenshot; resolves with its exit code. Killed if it hangs. */
function screenshot(url: string, png: string, profile: string): Promise<number | null> {
	return new Promise(resolve => {
		const child = spawn(
			chromium!,
			['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `--screenshot=${png}`, '--window-size=1200,900', url],
			{stdio: 'ignore'},
		);
		// A guard against a hung browser, not a performance limit.
		const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
		child.on('close', code => {
			clearTimeout(guard);
			resolve(code);
		});
	});
}

it('the page in headless Chromium draws the timeline', {skip: chromium === undefined ? 'Chromium is not installed (apt-get install chromium; .ci/run does it)' : false}, async () => {
	const run = await realRun();
	dirs.push(run.dir);
	addIsolationChanges(run.runDir);
	const out = mkdtempSync(join(tmpdir(), 'fanout-report-shot-'));
	dirs.push(out);
	const page = join(out, 'report.html');
	const written = await runCli(['report', '--html', page], {cwd: run.dir});
	assert.equal(written.code, 0, written.stderr);
	const png = join(out, 'shot.png');
	const code = await screenshot(pathToFileURL(page).href, png, join(out, 'profile'));
	assert.equal(code, 0, 'chromium exited 0');
	const image = decodePng(readFileSync(png));
	assert.equal(image.width, 1200);
	assert.ok(distinctColours(image) > 20, 'the page is not blank');
	// The fixture run has passed, failed and conflicted task runs: a bar of each colour, found
	// as rows with a long run of that colour. The outcome badge is red too, so the failed bar
	// must lie within the timeline, which starts at the first passed bar (nothing else is green
	// and wide).
	const passed = barRows(image, paletteColour('passed'));
	assert.ok(passed.length >= 10, `passed bars drawn (${passed.length} rows)`);
	const top = passed[0]! - 60;
	for (const status of ['failed', 'conflicted']) {
		const rows = barRows(image, paletteColour(status)).filter(y => y >= top);
		assert.ok(rows.length >= 10, `a ${status} bar (${paletteColour(status)}) in the timeline: ${rows.length} rows`);
	}
	assert.ok(countColour(image, paletteColour('passed')) > 1000, 'the passed bars have area');
});
