import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createApp, orderTotal} from '../src/index.js';

test('totals an order', () => {
	assert.equal(orderTotal([{price: 250, quantity: 2}, {price: 1000, quantity: 1}]), 1500);
});

test('creates and closes an order', () => {
	const app = createApp();
	const user = app.users.create({name: 'Grace', email: 'grace@example.com'}).body;
	const order = app.orders.create(user.id, [{price: 1999, quantity: 1}]);
	assert.equal(order.status, 201);
	assert.equal(order.body.total, '19.99');
	assert.equal(app.orders.close(order.body.id).body.status, 'closed');
	assert.equal(app.orders.create(999, [{price: 1, quantity: 1}]).status, 404);
});
