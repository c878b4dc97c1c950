import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createApp} from '../src/index.js';

test('creates a user and finds it', () => {
	const app = createApp();
	const created = app.users.create({name: '  Ada   Lovelace ', email: 'ada@example.com'});
	assert.equal(created.status, 201);
	assert.equal(created.body.name, 'Ada Lovelace');
	assert.deepEqual(app.users.get(created.body.id).body, created.body);
});

test('refuses a bad email and a duplicate', () => {
	const app = createApp();
	assert.equal(app.users.create({name: 'x', email: 'nope'}).status, 400);
	app.users.create({name: 'a', email: 'a@example.com'});
	assert.equal(app.users.create({name: 'b', email: 'a@example.com'}).status, 409);
});
