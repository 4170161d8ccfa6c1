// `tessera` on a Node.js older than its SQLite store needs (Node 20 has no node:sqlite at all):
// says which version it needs and exits, instead of dying of ERR_UNKNOWN_BUILTIN_MODULE with a
// stack trace. Imported first by the CLI, before any module that loads node:sqlite.
import { NODE_SQLITE_MINIMUM, nodeHasSqliteStore } from '../shared/node-sqlite-support';

if (!nodeHasSqliteStore()) {
  process.stderr.write(`tessera needs Node.js ${NODE_SQLITE_MINIMUM} or later (node:sqlite); this is Node.js ${process.versions.node}.\n`);
  process.exit(1);
}
