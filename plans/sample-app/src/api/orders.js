// Order handlers: create an order for a user, total it, close it.

import {formatPrice} from '../utils/format.js';

/** Total of an order's items in cents. */
export function orderTotal(items) {
	return items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

/** Builds the order handlers over the users and orders repositories. */
export function orderHandlers(users, orders) {
	return {
		create(userId, items) {
			if (!users.find(userId)) return {status: 404, body: {error: 'no such user'}};
			if (!Array.isArray(items) || items.length === 0) return {status: 400, body: {error: 'an order needs items'}};
			const order = orders.add(userId, items);
			return {status: 201, body: {...order, total: formatPrice(orderTotal(items))}};
		},
		close(id) {
			const order = orders.close(id);
			return order ? {status: 200, body: order} : {status: 404, body: {error: 'no such order'}};
		},
	};
}
