// Guards the JSON Schema against drifting from the loader: every good plan (plans/, plans the
// wizard's proposer writes) passes `fanout schema` under a real validator (ajv, draft 2020-12),
// and every shape error of the bad-plan corpus is also rejected by the schema, or is listed
// below as a check a JSON Schema cannot express.

import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {Ajv2020} from 'ajv/dist/2020.js';
import {parse} from 'yaml';
import {schemaText} from '../../source/commands/schema.js';
import {planJsonSchema} from '../../source/plan/json-schema.js';
import {loadPlan} from '../../source/plan/load.js';
import {proposalPatterns, proposePlan} from '../../source/plan/propose.js';
import {validatePlan} from '../../source/plan/validate.js';
import {planToYaml} from '../../source/plan/yaml.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpus = join(root, 'test/fixtures/bad-plans');

const ajv = new Ajv2020({allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true});
const validate = ajv.compile(planJsonSchema());
const errorsOf = () => ajv.errorsText(validate.errors);

/**
 * Bad plans the schema accepts, and why: what the loader checks there needs more than the shape
 * of one value (other tasks, the file system, the YAML text itself).
 */
const beyondSchema: Record<string, string> = {
	'18-duplicate-id.yaml': 'ids unique across the plan: JSON Schema cannot compare values of different items',
	'29-depends-unknown.yaml': 'dependsOn must name an existing task: a reference to other values',
	'30-depends-same-phase.yaml': 'dependsOn must point to an earlier phase: an order between items',
	'31-depends-later-phase.yaml': 'dependsOn must point to an earlier phase: an order between items',
	'32-depends-cycle.yaml': 'a dependency cycle: a graph property',
	'34-glob-may-overlap.yaml': 'globs of one phase must not overlap: glob intersection',
	'35-reads-may-overlap.yaml': 'reads must not overlap owns of the same phase: glob intersection',
	'40-huge-number.yaml': 'a timeout too large to count in milliseconds: a numeric range inside a string',
	'45-missing-workspace.yaml': 'the workspace folder must exist: the file system',
};

function loadFile(path: string): unknown {
	return parse(readFileSync(path, 'utf8'));
}

test('every plan in plans/ passes the schema', () => {
	const files = readdirSync(join(root, 'plans')).filter(f => /\.(ya?ml|json)$/.test(f));
	assert.ok(files.length >= 5);
	for (const file of files) assert.ok(validate(loadFile(join(root, 'plans', file))), `${file}: ${errorsOf()}`);
});

test('plans written by the wizard\'s proposer pass the schema', () => {
	const files = ['src/api/users.ts', 'src/api/orders.ts', 'src/db/pool.ts', 'src/index.ts', 'test/api.test.ts', 'README.md', 'package.json'];
	for (const {pattern} of proposalPatterns) {
		const {plan} = proposePlan({goal: 'Add structured logging to every module', pattern, files});
		assert.ok(validate(parse(planToYaml(plan))), `${pattern}: ${errorsOf()}`);
	}
});

test('every shape error in the bad-plan corpus is rejected by the schema, or listed as beyond it', () => {
	const checked: string[] = [];
	for (const file of readdirSync(corpus).sort()) {
		const loaded = loadPlan(join(corpus, file), {cwd: corpus});
		// Past the loader, the checks of `fanout validate` (references, globs, the workspace).
		const codes = loaded.ok ? validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace}).errors.map(e => e.code) : loaded.errors.map(e => e.code);
		assert.ok(codes.length > 0, `${file} is in the bad corpus but validates`);
		let value: unknown;
		try {
			value = loadFile(join(corpus, file));
		} catch {
			continue; // Not YAML at all: a syntax error, nothing for a schema to see.
		}
		if (codes.every(code => code.startsWith('syntax.') || code.startsWith('file.'))) continue;
		checked.push(file);
		const accepted = validate(value);
		if (file in beyondSchema) assert.ok(accepted, `${file} is listed as beyond the schema, but the schema rejects it now: take it off the list`);
		else assert.ok(!accepted, `${file} (${codes.join(', ')}) is refused by the loader but passes the schema`);
	}
	assert.ok(checked.length >= 30, `only ${checked.length} shape errors checked`);
});

test('the schema shipped in the package (schema/plan.schema.json) is what `fanout schema` prints', () => {
	// Regenerate after a schema change: node --import tsx source/cli.tsx schema > schema/plan.schema.json
	const shipped = readFileSync(join(root, 'schema', 'plan.schema.json'), 'utf8');
	assert.equal(shipped, schemaText());
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {files: string[]};
	assert.ok(pkg.files.includes('schema'), 'package.json files must ship schema/');
});
