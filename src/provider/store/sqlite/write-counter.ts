// Counts the rows this connection inserts, updates or deletes, whatever the table or the code that
// wrote them, without asking SQLite on every read: a TEMP trigger on each table (AFTER INSERT,
// UPDATE and DELETE, FOR EACH ROW) calls a JavaScript function that adds one to `count`. TEMP
// triggers live only on this connection and never touch the database file; other connections
// and processes are not counted (the caller watches PRAGMA data_version for those).
//
// Reading `count` is a property read, where `SELECT total_changes()` was a statement step on every
// authenticated request (store/change-generation.ts). Tables created after the counter started
// (a migration run by another process, say) get their triggers from `coverNewTables()`, which the
// caller runs when another connection has committed (one PRAGMA schema_version read when the
// schema did not change).
import type { DatabaseSync, StatementSync } from 'node:sqlite';

const FUNCTION_NAME = 'tessera_row_written';
const OPERATIONS = ['INSERT', 'UPDATE', 'DELETE'] as const;

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class WriteCounter {
  /** Rows written through this connection since the counter started. */
  count = 0;
  private readonly tablesStmt: StatementSync;
  private readonly schemaVersionStmt: StatementSync;
  private schemaVersion = -1;

  constructor(private readonly db: DatabaseSync) {
    // directOnly: not callable from the main schema's own triggers or views (TEMP triggers may).
    db.function(FUNCTION_NAME, { deterministic: false, directOnly: true }, () => {
      this.count++;
      return null;
    });
    this.tablesStmt = db.prepare(`SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`);
    this.schemaVersionStmt = db.prepare('PRAGMA main.schema_version');
    this.schemaVersionStmt.setReturnArrays(true);
    this.coverNewTables();
  }

  /**
   * Gives every table its triggers when the main schema has changed since the last look (a new
   * table; a table dropped and created again has lost its triggers). One pragma read otherwise.
   */
  coverNewTables(): void {
    const [version] = this.schemaVersionStmt.get() as unknown as [number];
    if (version === this.schemaVersion) return;
    this.schemaVersion = version; // creating TEMP triggers does not move main's version
    for (const { name } of this.tablesStmt.all() as { name: string }[]) {
      for (const op of OPERATIONS) {
        this.db.exec(
          `CREATE TEMP TRIGGER IF NOT EXISTS ${quoteIdentifier(`${FUNCTION_NAME}_${name}_${op.toLowerCase()}`)} ` +
            `AFTER ${op} ON main.${quoteIdentifier(name)} BEGIN SELECT ${FUNCTION_NAME}(); END`,
        );
      }
    }
  }
}
