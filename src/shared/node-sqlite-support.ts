// The Node.js the provider's SQLite store needs: node:sqlite with StatementSync.setReturnArrays /
// columns() and DatabaseSync.isTransaction, which came in 22.16 (before 22.5 there is no
// node:sqlite at all). One place for the embedded provider's check (the extension host's Node) and
// the CLI's (the Node that runs `tessera`).
export const NODE_SQLITE_MINIMUM = '22.16';

/** Whether Node.js `version` (default: this process's) is at least NODE_SQLITE_MINIMUM. */
export function nodeHasSqliteStore(version: string = process.versions.node): boolean {
  const [major, minor] = NODE_SQLITE_MINIMUM.split('.').map(Number);
  const [ma = 0, mi = 0] = version.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}
