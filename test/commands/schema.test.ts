import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {CommandIO} from '../../source/commands/io.js';
import {schemaCommand} from '../../source/commands/schema.js';

async function run(argv: string[]): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const io: CommandIO = {stdout: t => void (out += t), stderr: t => void (err += t), cwd: process.cwd(), color: false, isTTY: false};
	return {code: await schemaCommand(argv, io), out, err};
}

test('prints the plan JSON Schema', async () => {
	const {code, out} = await run([]);
	assert.equal(code, 0);
	const schema = JSON.parse(out);
	assert.equal(schema.title, 'fanout plan');
	assert.ok(schema.properties.phases && schema.$defs.task.properties.owns);
});

test('unknown flags and arguments are usage errors', async () => {
	assert.equal((await run(['--nope'])).code, 2);
	assert.equal((await run(['extra'])).code, 2);
	assert.equal((await run(['--help'])).code, 0);
});
