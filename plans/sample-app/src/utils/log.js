// A small structured logger: one line per event, level filtered by LOG_LEVEL.

const levels = {debug: 10, info: 20, warn: 30, error: 40};

/** Creates a logger for one module; `sink` receives each formatted line. */
export function createLogger(module, {level = process.env.LOG_LEVEL ?? 'info', sink = line => console.error(line)} = {}) {
	const threshold = levels[level] ?? levels.info;
	const write = (name, message, fields = {}) => {
		if (levels[name] < threshold) return;
		sink(JSON.stringify({level: name, module, message, ...fields}));
	};
	return {
		debug: (message, fields) => write('debug', message, fields),
		info: (message, fields) => write('info', message, fields),
		warn: (message, fields) => write('warn', message, fields),
		error: (message, fields) => write('error', message, fields),
	};
}
