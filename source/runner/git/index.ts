// The git building blocks of worktree isolation, in one import:
// repoFacts -> takeSnapshot -> WorktreePool.acquire -> (task runs in tree.cwd) -> diffWorktree
// -> splitByOwnership -> applyChanges -> pool.release; cleanWorkspace for `fanout clean`.

export type {GitResult} from './exec.js';
export type {RepoFacts, Snapshot, TaskFileChange, Worktree} from './types.js';
export {NOT_A_REPO, fanoutGitDir, fanoutRefPrefix, isGitWorkspace, repoFacts, workspaceKey} from './repo.js';
export {takeSnapshot, type SnapshotOptions} from './snapshot.js';
export {DEFAULT_LINKED_FOLDERS, expandLinkEntries, linkEntryProblem, linkFolders} from './links.js';
export {WorktreePool, poolWorktreesDir, type AcquireProgress, type PoolOptions} from './pool.js';
export {diffWorktree, patchPath, writePatch, type WorktreeDiff} from './diff.js';
export {toRepoPath, toWorkspacePath} from './diff-parse.js';
export {splitByOwnership, touchedPaths, type OwnershipSplit} from './split.js';
export {applyChanges, changedSinceSnapshot, type ApplyResult} from './apply.js';
export {cleanWorkspace, type CleanReport} from './clean.js';
