import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cleanName, createLogger, formatPrice} from '../src/index.js';

test('formats prices', () => {
	assert.equal(formatPrice(1250), '12.50');
	assert.equal(formatPrice(5), '0.05');
	assert.equal(formatPrice(-199), '-1.99');
});

test('cleans names', () => {
	assert.equal(cleanName('  a   b '), 'a b');
});

test('logs structured lines above the level', () => {
	const lines = [];
	const log = createLogger('test', {level: 'info', sink: line => lines.push(line)});
	log.debug('hidden');
	log.info('shown', {id: 1});
	assert.deepEqual(lines.map(line => JSON.parse(line)), [{level: 'info', module: 'test', message: 'shown', id: 1}]);
});
