import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {parsePlanText} from '../../source/plan/load.js';
import {formatDuration, planToYaml} from '../../source/plan/yaml.js';

test('plans survive a round trip through planToYaml', () => {
	for (const file of ['plans/module-logging.yaml', 'plans/demo.yaml', 'plans/read-heavy.yaml']) {
		const first = parsePlanText(readFileSync(file, 'utf8'), file);
		assert.ok(first.ok);
		const yaml = planToYaml(first.plan, {schema: 'https://example.com/plan.json'});
		assert.ok(yaml.startsWith('# yaml-language-server: $schema=https://example.com/plan.json\n'));
		const second = parsePlanText(yaml, 'again.yaml');
		assert.ok(second.ok, JSON.stringify(!second.ok && second.errors));
		assert.deepEqual(second.plan, first.plan);
	}
});

test('writes short glob lists on one line and durations in words people use', () => {
	const parsed = parsePlanText('name: y\nphases:\n  - name: p\n    tasks:\n      - {id: a, owns: [src/a/**, src/b.js], run: x, timeout: 90s, agent: {command: [a, "{prompt}"]}}\n', 'y.yaml');
	assert.ok(parsed.ok);
	const yaml = planToYaml(parsed.plan);
	assert.match(yaml, /owns: \[src\/a\/\*\*, src\/b\.js\]/);
	assert.match(yaml, /timeout: 90s/);
	assert.equal(formatDuration(600_000), '10m');
	assert.equal(formatDuration(3_600_000), '1h');
	assert.equal(formatDuration(1500), '1500ms');
	assert.equal(formatDuration(90_000), '90s');
	assert.equal(formatDuration(200), '200ms');
});
