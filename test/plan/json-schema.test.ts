import assert from 'node:assert/strict';
import {test} from 'node:test';
import {planJsonSchema} from '../../source/plan/json-schema.js';
import {phaseFields, planFields, taskFields} from '../../source/plan/fields.js';

type Obj = {properties: Record<string, unknown>; $defs: Record<string, {properties: Record<string, unknown>}>};

test('the JSON Schema lists exactly the fields the loader accepts', () => {
	const schema = planJsonSchema() as unknown as Obj;
	assert.deepEqual(Object.keys(schema.properties).sort(), [...planFields].sort());
	assert.deepEqual(Object.keys(schema.$defs['phase']!.properties).sort(), [...phaseFields].sort());
	assert.deepEqual(Object.keys(schema.$defs['task']!.properties).sort(), [...taskFields].sort());
	assert.doesNotThrow(() => JSON.parse(JSON.stringify(schema)));
});
