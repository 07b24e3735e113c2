package store

// KeepConnections sizes the pool for a server of many sessions: at most n
// connections, all kept open between queries. A burst of queries from many
// sessions then waits its turn on warm connections, instead of opening one
// each (on SQLite, each with a cold page cache; on PostgreSQL, past
// max_connections).
func (db *DB) KeepConnections(n int) {
	db.db.SetMaxOpenConns(n)
	db.db.SetMaxIdleConns(n)
}
