package store

import (
	"context"
	"fmt"

	"github.com/epicevents/epic-tui/domain"
)

// AuditPage returns up to limit audit entries of one record, newest first,
// starting below the audit id before (0 for the newest): keyset paging on
// the audit id, which the index on (entity, entity_id, id) serves.
func (q queries) AuditPage(ctx context.Context, entity domain.Entity, id, before int64, limit int) ([]domain.AuditEntry, error) {
	where, args := `entity = ? AND entity_id = ?`, []any{string(entity), id}
	if before > 0 {
		where += ` AND id < ?`
		args = append(args, before)
	}
	var entries []domain.AuditEntry
	err := q.selectRows(ctx, &entries, `SELECT `+auditColumns+` FROM audit_log
		WHERE `+where+`
		ORDER BY id DESC
		LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, wrap(fmt.Sprintf("list the history of %s %d", entity, id), err)
	}
	for i := range entries {
		utc(&entries[i].At)
	}
	return entries, nil
}
