package store

import (
	"context"
	"fmt"

	"github.com/epicevents/epic-tui/domain"
)

const auditColumns = `id, actor_id, actor, at, entity, entity_id, action, changes, request_key`

// InsertAudit records one change and sets a's ID. A zero a.At means now.
func (q queries) InsertAudit(ctx context.Context, a *domain.AuditEntry) error {
	at := orNow(a.At, now())
	changes := a.Changes
	if changes == "" {
		changes = "{}"
	}
	id, err := q.insert(ctx, `INSERT INTO audit_log (actor_id, actor, at, entity, entity_id, action, changes, request_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		a.ActorID, a.Actor, at, string(a.Entity), a.EntityID, string(a.Action), changes, a.RequestKey)
	if err != nil {
		return wrap(fmt.Sprintf("insert audit entry for %s %d", a.Entity, a.EntityID), err)
	}
	a.ID, a.At, a.Changes = id, at, changes
	return nil
}

// ListAudit returns the history of one record, newest first.
func (q queries) ListAudit(ctx context.Context, entity domain.Entity, id int64) ([]domain.AuditEntry, error) {
	var entries []domain.AuditEntry
	err := q.selectRows(ctx, &entries, `SELECT `+auditColumns+`
		FROM audit_log
		WHERE entity = ? AND entity_id = ?
		ORDER BY id DESC`, string(entity), id)
	if err != nil {
		return nil, wrap(fmt.Sprintf("list audit entries of %s %d", entity, id), err)
	}
	for i := range entries {
		utc(&entries[i].At)
	}
	return entries, nil
}

// AuditByRequestKey finds the audit entry of the change made under key.
func (q queries) AuditByRequestKey(ctx context.Context, key string) (domain.AuditEntry, error) {
	var a domain.AuditEntry
	err := q.get(ctx, &a, `SELECT `+auditColumns+` FROM audit_log WHERE request_key = ?`, key)
	if isNoRows(err) {
		err = domain.NewError(domain.ErrNotFound, "", "no change was made under this request key")
	}
	if err != nil {
		return a, wrap("find the audit entry of a request key", err)
	}
	utc(&a.At)
	return a, nil
}

// LatestAuditID is the id of the newest audit entry, 0 when there is none.
// It reads the end of the primary key: instant at any size.
func (q queries) LatestAuditID(ctx context.Context) (int64, error) {
	var id int64
	if err := q.get(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM audit_log`); err != nil {
		return 0, wrap("read the latest audit entry", err)
	}
	return id, nil
}
