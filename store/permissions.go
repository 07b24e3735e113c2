package store

import (
	"context"

	"github.com/epicevents/epic-tui/domain"
)

// RolePermissions returns the permission table the schema seeds, from which
// the domain builds its policy.
func (q queries) RolePermissions(ctx context.Context) ([]domain.RolePermission, error) {
	var rows []domain.RolePermission
	err := q.selectRows(ctx, &rows, `SELECT role_permissions.role, permissions.entity,
			permissions.action, role_permissions.scope
		FROM role_permissions
		JOIN permissions ON permissions.id = role_permissions.permission_id
		ORDER BY role_permissions.role, permissions.id`)
	if err != nil {
		return nil, wrap("list role permissions", err)
	}
	return rows, nil
}
