import assert from 'node:assert/strict';
import {execSync} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {after, test} from 'node:test';
import fg from 'fast-glob';
import {loadPlan} from '../../source/plan/load.js';
import {compileGlobs} from '../../source/plan/ownership.js';
import {validatePlan} from '../../source/plan/validate.js';

const root = process.cwd();
const temp = mkdtempSync(join(tmpdir(), 'fanout-examples-'));
after(() => rmSync(temp, {recursive: true, force: true}));

function snapshot(dir: string): Map<string, string> {
	const files = fg.sync('**/*', {cwd: dir, dot: true, ignore: ['node_modules/**']});
	return new Map(files.map(f => [f, readFileSync(join(dir, f), 'utf8')]));
}

const plans = readdirSync(join(root, 'plans')).filter(f => f.endsWith('.yaml')).sort();

test('the four patterns and the demo are all there', () => {
	assert.deepEqual(plans, ['demo.yaml', 'feature-based.yaml', 'layer-based.yaml', 'module-logging.yaml', 'read-heavy.yaml']);
});

for (const file of plans) {
	test(`${file}: valid and runnable: tasks change only what they own`, () => {
		const loaded = loadPlan(join(root, 'plans', file));
		assert.ok(loaded.ok);
		assert.equal(relative(root, loaded.workspace), join('plans', 'sample-app'));
		const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
		assert.deepEqual(report.errors, []);
		for (const task of loaded.plan.phases.flatMap(p => p.tasks)) {
			const script = /node (scripts\/\S+)/.exec(task.run ?? '')?.[1];
			assert.ok(script && existsSync(join(loaded.workspace, script)), `${task.id} runs a script of the sample`);
		}
		// Running every task costs a node start each: the demo, feature-based and read-heavy plans
		// cover both scripts and all their options; the others share the demo's commands.
		if (file === 'module-logging.yaml' || file === 'layer-based.yaml') return;
		// Run a copy of the sample, at full speed (the scripts' --seconds only paces output).
		const workspace = join(temp, file.replace('.yaml', ''));
		cpSync(join(root, 'plans/sample-app'), workspace, {recursive: true});
		for (const phase of loaded.plan.phases) {
			for (const task of phase.tasks) {
				const before = snapshot(workspace);
				const output = execSync(task.run!.replace(/--seconds \S+/, '--seconds 0'), {cwd: workspace, env: {...process.env, ...task.env, FANOUT_TASK_ID: task.id}, encoding: 'utf8'});
				assert.match(output, new RegExp(`${task.id}|apply-notes`), 'prints progress');
				const after = snapshot(workspace);
				const changed = [...after.keys()].filter(f => after.get(f) !== before.get(f));
				const owns = compileGlobs(task.owns);
				assert.deepEqual(changed.filter(f => !owns(f)), [], `${task.id} changed files it does not own`);
				assert.ok(changed.length > 0, `${task.id} changed nothing`);
			}
		}
		// The sample's tests take a second or two each time: run them for the demo only.
		if (file === 'demo.yaml') for (const command of loaded.plan.verify) execSync(command, {cwd: workspace, stdio: 'pipe'});
	});
}
