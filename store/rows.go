package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/epicevents/epic-tui/domain"
)

// isNoRows reports whether a lookup found nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// missed explains why an UPDATE or DELETE guarded by a version touched no
// row: the row is gone, or someone changed it since it was read.
func (q queries) missed(ctx context.Context, table, entity string, id int64) error {
	var n int
	if err := q.get(ctx, &n, "SELECT count(*) FROM "+table+" WHERE id = ?", id); err != nil {
		return mapError(err)
	}
	if n == 0 {
		return notFound(entity, id)
	}
	return conflict(entity)
}

// deleteRow deletes row id of table if it is still at version. stillUsed
// is the sentence shown when other rows still refer to it.
func (q queries) deleteRow(ctx context.Context, table, entity string, id int64, version int, stillUsed string) error {
	n, err := q.exec(ctx, "DELETE FROM "+table+" WHERE id = ? AND version = ?", id, version)
	switch {
	case err != nil:
		if err = mapError(err); errors.Is(err, domain.ErrReferenced) {
			err = domain.NewError(domain.ErrReferenced, "", stillUsed)
		}
	case n == 0:
		err = q.missed(ctx, table, entity, id)
	}
	if err != nil {
		return wrap(fmt.Sprintf("delete %s %d", entity, id), err)
	}
	return nil
}

// isConflict reports whether err says a row changed since it was read.
func isConflict(err error) bool { return errors.Is(err, domain.ErrConflict) }
