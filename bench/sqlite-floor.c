/* What SQLite itself costs for leadup's work item upsert, without Rust, sqlx or rusqlite:
 * inserts ROWS generated items (shaped like bench/import's) into a fresh WAL file with
 * synchronous=FULL, foreign keys on and a 32 MiB page cache, in one transaction, through
 * one prepared upsert of BATCH rows, and prints the loop, commit and close times.
 *
 *   sqlite-floor in|eq|without-rowid ROWS BATCH [PAGE_SIZE] [FILE]
 *
 * in: the category CHECK as migration 0002 wrote it (IN list); eq: as migration 0008 writes
 * it (= comparisons); without-rowid: eq, in a WITHOUT ROWID table keyed by (team_id, key).
 * Environment: NO_FOREIGN_KEYS=1 turns foreign keys off; LOOKASIDE=SIZE,COUNT sets the
 * connection's lookaside. Built and run by bench/sqlite-floor; see BENCHMARKS.md. */
#include "sqlite3.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void run(sqlite3 *db, const char *sql) {
  char *error = 0;
  if (sqlite3_exec(db, sql, 0, 0, &error)) {
    fprintf(stderr, "%s: %s\n", sql, error);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: sqlite-floor in|eq|without-rowid ROWS BATCH [PAGE_SIZE] [FILE]\n");
    return 2;
  }
  const char *variant = argv[1];
  int rows = atoi(argv[2]), batch = atoi(argv[3]);
  int page_size = argc > 4 ? atoi(argv[4]) : 4096;
  const char *path = argc > 5 ? argv[5] : "sqlite-floor.db";
  int without_rowid = !strcmp(variant, "without-rowid");
  char wal[4096];
  snprintf(wal, sizeof wal, "%s-wal", path);
  unlink(path);
  unlink(wal);

  sqlite3 *db;
  if (sqlite3_open(path, &db)) return 1;
  if (getenv("LOOKASIDE")) {
    int size = 0, count = 0;
    sscanf(getenv("LOOKASIDE"), "%d,%d", &size, &count);
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, NULL, size, count)) return 1;
  }
  char pragmas[256];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA page_size = %d; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
           "PRAGMA cache_size = -32768; PRAGMA foreign_keys = %s;",
           page_size, getenv("NO_FOREIGN_KEYS") ? "OFF" : "ON");
  run(db, pragmas);
  run(db, "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO teams VALUES (1, 'Load');");
  const char *check = !strcmp(variant, "in")
                          ? "category IN ('to_do', 'in_progress', 'done')"
                          : "category = 'to_do' OR category = 'in_progress' OR category = 'done'";
  char table[1024];
  snprintf(table, sizeof table,
           "CREATE TABLE work_items (id INTEGER %s, team_id INTEGER NOT NULL REFERENCES teams (id), "
           "key TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, "
           "category TEXT NOT NULL CHECK (%s), created_at INTEGER, started_at INTEGER, done_at INTEGER, "
           "estimate REAL, parent TEXT, labels TEXT NOT NULL, milestone TEXT, %s",
           without_rowid ? "NOT NULL" : "PRIMARY KEY", check,
           without_rowid ? "PRIMARY KEY (team_id, key)) WITHOUT ROWID" : "UNIQUE (team_id, key))");
  run(db, table);

  int columns = without_rowid ? 14 : 13;
  char *sql = malloc((size_t)batch * 64 + 1024);
  strcpy(sql, without_rowid ? "INSERT INTO work_items (id, " : "INSERT INTO work_items (");
  strcat(sql, "team_id, key, title, kind, status, category, created_at, started_at, done_at, estimate, "
              "parent, labels, milestone) VALUES ");
  for (int r = 0; r < batch; r++) {
    strcat(sql, r ? ", (" : "(");
    for (int c = 0; c < columns; c++) strcat(sql, c ? ", ?" : "?");
    strcat(sql, ")");
  }
  strcat(sql, " ON CONFLICT (team_id, key) DO UPDATE SET title = excluded.title, kind = excluded.kind, "
              "status = excluded.status, category = excluded.category, created_at = excluded.created_at, "
              "started_at = excluded.started_at, done_at = excluded.done_at, estimate = excluded.estimate, "
              "parent = excluded.parent, labels = excluded.labels, milestone = excluded.milestone");
  sqlite3_stmt *upsert;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &upsert, 0)) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db));
    return 1;
  }

  char (*key)[16] = malloc((size_t)batch * 16), (*title)[40] = malloc((size_t)batch * 40);
  char (*labels)[24] = malloc((size_t)batch * 24), (*milestone)[8] = malloc((size_t)batch * 8);
  double start = now();
  run(db, "BEGIN IMMEDIATE");
  for (int first = 0; first + batch <= rows; first += batch) {
    int p = 1;
    for (int r = 0; r < batch; r++) {
      int n = first + r;
      snprintf(key[r], 16, "LOAD-%d", n);
      snprintf(title[r], 40, "Item number %d needs work", n);
      snprintf(labels[r], 24, "label%d\nteam%d", n % 10, n % 3);
      snprintf(milestone[r], 8, "v%d", n % 10);
      if (without_rowid) sqlite3_bind_int64(upsert, p++, n + 1);
      sqlite3_bind_int64(upsert, p++, 1);
      sqlite3_bind_text(upsert, p++, key[r], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, title[r], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, "Story", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, n % 4 ? "Done" : "In Progress", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, n % 4 ? "done" : "in_progress", -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(upsert, p++, 1577836800 + n);
      sqlite3_bind_null(upsert, p++);
      if (n % 4) sqlite3_bind_int64(upsert, p++, 1577836800 + 2 * n); else sqlite3_bind_null(upsert, p++);
      sqlite3_bind_double(upsert, p++, n % 8);
      sqlite3_bind_text(upsert, p++, key[r], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, labels[r], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(upsert, p++, milestone[r], -1, SQLITE_TRANSIENT);
    }
    if (sqlite3_step(upsert) != SQLITE_DONE) {
      fprintf(stderr, "%s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(upsert);
    sqlite3_clear_bindings(upsert);
  }
  double looped = now();
  run(db, "COMMIT");
  double committed = now();
  sqlite3_finalize(upsert);
  sqlite3_close(db);
  double closed = now();
  printf("%s, batch %d, page size %d: loop %.2f s, commit %.2f s, close %.2f s, total %.2f s = %.0f rows/s\n",
         variant, batch, page_size, looped - start, committed - looped, closed - committed, closed - start,
         rows / (closed - start));
  return 0;
}
