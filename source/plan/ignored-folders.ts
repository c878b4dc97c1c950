// The folders that are never workspace files, wherever they sit: version control, installed
// packages, fanout's own run data. One list for the plan scanner, the workspace listing, the
// watcher, the phase-end snapshot, change attribution and the aider adapter.

/** Folder names skipped at any depth. */
export const ignoredFolders = ['.git', '.fanout', 'node_modules'] as const;

/** The same folders as globs (`**\/.git/**`), for fast-glob's and picomatch's `ignore`. */
export const ignoredFolderGlobs: readonly string[] = ignoredFolders.map(name => `**/${name}/**`);
