// Write-back as a document edit: each kind of revision change touches only its own lines, in
// YAML (phases and flat) and JSON, and a file that no longer parses is refused.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parsePlanText} from '../../source/plan/load.js';
import {applyPlanChanges, jsonIndent} from '../../source/plan/plan-document.js';
import {deferTask, grantPath} from '../../source/plan/revise.js';
import type {Plan} from '../../source/plan/types.js';

function parse(text: string, file = 'plan.yaml'): Plan {
	const parsed = parsePlanText(text, file);
	assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
	return parsed.plan;
}

function edited(text: string, file: string, change: (plan: Plan) => Plan): string {
	const before = parse(text, file);
	const result = applyPlanChanges(text, file, before, change(before));
	assert.ok(result.ok, !result.ok ? result.reason : '');
	return result.text;
}

const phased = `# top comment
name: p
pattern: module # why module
phases:
  - name: one
    tasks:
      - id: a # first
        owns: [src/a/**]
        run: echo a
      - id: b
        owns:
          - src/b/**
        run: echo b
`;

test('a granted path is appended to owns, block or flow, and nothing else changes', () => {
	const out = edited(phased, 'plan.yaml', plan => {
		const granted = grantPath(plan, 'b', 'src/shared.ts');
		assert.ok(granted.ok);
		return granted.plan;
	});
	assert.equal(out, phased.replace('          - src/b/**\n', '          - src/b/**\n          - src/shared.ts\n'));
});

test('a removed task goes, with its lines only', () => {
	const out = edited(phased, 'plan.yaml', plan => ({...plan, phases: [{...plan.phases[0]!, tasks: plan.phases[0]!.tasks.filter(t => t.id !== 'a')}]}));
	assert.equal(out, phased.replace('      - id: a # first\n        owns: [src/a/**]\n        run: echo a\n', ''));
});

test('a revision that changes nothing leaves the text byte for byte', () => {
	const result = applyPlanChanges(phased, 'plan.yaml', parse(phased), parse(phased));
	assert.ok(result.ok);
	assert.equal(result.changed, false);
	assert.equal(result.text, phased);
});

test('a flat plan gets the grant in its tasks list and no phases', () => {
	const flat = `name: f\n# the tasks\ntasks:\n  - id: a\n    owns: [src/a/**]\n    run: echo a\n  - id: b\n    owns: [src/b/**]\n    run: echo b\n`;
	const out = edited(flat, 'plan.yaml', plan => {
		const deferred = deferTask(plan, 'b', 'src/a/x.ts', 0);
		assert.ok(deferred.ok);
		return deferred.plan;
	});
	assert.equal(out, flat.replace('owns: [src/b/**]', 'owns: [src/b/**, src/a/x.ts]'));
	assert.doesNotMatch(out, /phases/);
});

test('JSON on one line stays on one line, and tab indentation is kept', () => {
	const oneLine = '{"name": "j", "phases": [{"name": "one", "tasks": [{"id": "a", "owns": ["x/**"], "run": "x"}, {"id": "b", "owns": ["y/**"], "run": "y"}]}]}';
	const out = edited(oneLine, 'plan.json', plan => {
		const granted = grantPath(plan, 'a', 'z.txt');
		assert.ok(granted.ok);
		return granted.plan;
	});
	assert.equal(out, oneLine.replace('["x/**"]', '["x/**", "z.txt"]'));
	const tabbed = '{\n\t"name": "j",\n\t"phases": [\n\t\t{"name": "one", "tasks": [{"id": "a", "owns": ["x/**"], "run": "x"}, {"id": "b", "owns": ["y/**"], "run": "y"}]}\n\t]\n}\n';
	assert.equal(jsonIndent(tabbed), '\t');
	const deferred = edited(tabbed, 'plan.json', plan => {
		const d = deferTask(plan, 'b', 'x/1', 0);
		assert.ok(d.ok);
		return d.plan;
	});
	JSON.parse(deferred);
	assert.match(deferred, /\n\t\t\{\n\t\t\t"name": "one-deferred",\n\t\t\t"mode": "sequential",\n/);
});

test('a plan file that no longer parses is refused with the reason', () => {
	const result = applyPlanChanges('name: [', 'plan.yaml', parse(phased), parse(phased));
	assert.equal(result.ok, false);
	assert.match(!result.ok ? result.reason : '', /^plan\.yaml no longer reads as a plan/);
});
