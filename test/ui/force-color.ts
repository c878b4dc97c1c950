// Imported first by tests that check colours: Ink's chalk reads FORCE_COLOR once, when loaded,
// and ink-testing-library's stdout is no terminal (so colour would be off). Each test file runs
// in its own process, so this reaches no other file.
process.env['FORCE_COLOR'] = '3';
