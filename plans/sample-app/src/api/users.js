// User handlers: validate input, talk to the users repository, answer {status, body}.

import {cleanName} from '../utils/format.js';

/** Builds the user handlers over a users repository. */
export function userHandlers(users) {
	return {
		create({name, email}) {
			if (!name || !email || !email.includes('@')) return {status: 400, body: {error: 'name and a valid email are required'}};
			if (users.byEmail(email)) return {status: 409, body: {error: 'email already registered'}};
			return {status: 201, body: users.add(cleanName(name), email)};
		},
		get(id) {
			const user = users.find(id);
			return user ? {status: 200, body: user} : {status: 404, body: {error: 'no such user'}};
		},
	};
}
