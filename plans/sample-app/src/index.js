// The app: wires the repositories to the handlers.

import {orderHandlers} from './api/orders.js';
import {userHandlers} from './api/users.js';
import {createOrders} from './db/orders.js';
import {createUsers} from './db/users.js';

export {createLogger} from './utils/log.js';
export {formatPrice, cleanName} from './utils/format.js';
export {orderTotal} from './api/orders.js';

/** Creates a fresh app with empty tables. */
export function createApp() {
	const users = createUsers();
	const orders = createOrders();
	return {users: userHandlers(users), orders: orderHandlers(users, orders)};
}
